import { SetMetadata } from '@nestjs/common';

/**
 * What a key may do, each role including the one before it: an auditor reads, an operator
 * also runs checks and member actions, an admin also manages the workspace.
 */
export const ROLES = ['auditor', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const REQUIRED_ROLE = 'governance:requiredRole';

/** The least role a route or GraphQL field needs; the guard refuses weaker keys with 403. */
export const RequiresRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

export function roleIncludes(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

export const DRY_RUN_ROLE = 'governance:dryRunRole';

/**
 * A route whose body can ask for a dry run (`"dryRun": true`): that request changes nothing,
 * so it needs only this role (an auditor previewing the deprovision report's removals).
 */
export const DryRunAllowedTo = (role: Role) => SetMetadata(DRY_RUN_ROLE, role);
