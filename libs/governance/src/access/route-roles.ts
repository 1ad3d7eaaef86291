import { type INestApplicationContext, RequestMethod, type Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { DRY_RUN_ROLE, REQUIRED_ROLE, type Role } from './roles';

const RESOLVER_TYPE = 'graphql:resolver_type';
const RESOLVER_NAME = 'graphql:resolver_name';

/** One entry point of the running app and the role it needs (null: none declared). */
export interface RouteRole {
  kind: 'rest' | 'graphql';
  /** `GET`, `POST`… for REST; `Query` or `Mutation` for GraphQL. */
  method: string;
  /** `/api/integrations/:id` for REST; the root field's name for GraphQL. */
  path: string;
  role: Role | null;
  /** The role enough for a dry run of it (`"dryRun": true` in the body). */
  dryRunRole: Role | null;
  /** Whether the API key guard (which enforces roles) runs on it. */
  guarded: boolean;
}

function metadata<T>(key: string, ...targets: object[]): T | undefined {
  for (const target of targets) {
    const value = Reflect.getMetadata(key, target) as T | undefined;
    if (value !== undefined) return value;
  }
  return undefined;
}

function joinPath(...parts: (string | string[] | undefined)[]): string {
  const segments = parts
    .map((p) => (Array.isArray(p) ? p[0] : p) ?? '')
    .flatMap((p) => p.split('/'))
    .filter(Boolean);
  return `/${segments.join('/')}`;
}

function methodsOf(type: Type): [string, object][] {
  const methods = new Map<string, object>();
  for (let proto = type.prototype as object | null; proto && proto !== Object.prototype;) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      // Descriptors, not reads: a getter (ModuleRef has some) must not run.
      const value = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
      if (name !== 'constructor' && typeof value === 'function' && !methods.has(name)) {
        methods.set(name, value);
      }
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return [...methods];
}

function guardedBy(guardName: string, handler: object, type: Type): boolean {
  const guards = [
    ...(metadata<unknown[]>(GUARDS_METADATA, handler) ?? []),
    ...(metadata<unknown[]>(GUARDS_METADATA, type) ?? []),
  ];
  return guards.some((g) => typeof g === 'function' && g.name === guardName);
}

/**
 * Every REST route and GraphQL root field the application serves, read from Nest's own
 * registry of controllers and resolvers (so a new route cannot be missed), with its role.
 */
export function routeRoles(app: INestApplicationContext): RouteRole[] {
  const routes: RouteRole[] = [];
  const seen = new Set<Type>();
  for (const module of app.get(ModulesContainer).values()) {
    const classes = [...module.controllers.values(), ...module.providers.values()]
      .map((wrapper) => wrapper.metatype as Type | null)
      .filter((type): type is Type => typeof type === 'function' && !!type.prototype);
    for (const type of classes) {
      if (seen.has(type)) continue;
      seen.add(type);
      const isController = module.controllers.has(type);
      for (const [name, handler] of methodsOf(type)) {
        const role = metadata<Role>(REQUIRED_ROLE, handler, type) ?? null;
        const dryRunRole = metadata<Role>(DRY_RUN_ROLE, handler, type) ?? null;
        const guarded = guardedBy('ApiKeyGuard', handler, type);
        const httpMethod = metadata<RequestMethod>(METHOD_METADATA, handler);
        const handlerPath = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (isController && httpMethod !== undefined && handlerPath !== undefined) {
          routes.push({
            kind: 'rest',
            method: RequestMethod[httpMethod],
            path: joinPath(Reflect.getMetadata(PATH_METADATA, type) as string, handlerPath),
            role,
            dryRunRole,
            guarded,
          });
        }
        const rootType = metadata<string>(RESOLVER_TYPE, handler);
        if (rootType === 'Query' || rootType === 'Mutation') {
          routes.push({
            kind: 'graphql',
            method: rootType,
            path: metadata<string>(RESOLVER_NAME, handler) ?? name,
            role,
            dryRunRole,
            guarded,
          });
        }
      }
    }
  }
  return routes.sort(
    (a, b) =>
      a.kind.localeCompare(b.kind) ||
      a.path.localeCompare(b.path) ||
      a.method.localeCompare(b.method),
  );
}

/** The README's table: every /api route and GraphQL field, the least role it needs. */
export function rolesTable(routes: readonly RouteRole[]): string {
  const rows = routes
    .filter((r) => r.kind === 'graphql' || r.path.startsWith('/api/'))
    .map((r) => {
      const what =
        r.kind === 'rest'
          ? `\`${r.method} ${r.path}\``
          : `GraphQL ${r.method.toLowerCase()} \`${r.path}\``;
      const role = r.role ?? 'admin (default)';
      const dry = r.dryRunRole ? `; a dry run (\`"dryRun": true\`): ${r.dryRunRole}` : '';
      return [what, `${role}${dry}`];
    });
  return alignedTable(['route', 'least role'], rows);
}

/** A Markdown table padded as Prettier pads it, so that `prettier --check` accepts it as written. */
function alignedTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
