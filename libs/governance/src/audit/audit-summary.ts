/**
 * One plain sentence per recorded event, for member and identity histories. Written when the
 * event is projected, with the names as they were then, so that an export of an old history
 * never changes when a person or an asset is renamed later. A type this file does not know
 * (a new event added by a later change) still gets a sentence from its name.
 */

export interface SummaryContext {
  actor: string;
  /** The member's (or identity's) display name as of this event. */
  subjectName: string;
  assetName(assetId: string): string;
}

type Data = Record<string, unknown>;
type Summarizer = (data: Data, ctx: SummaryContext) => string;

/** Who did it, in words: the drift actor is Pinterest itself, anything else an API key. */
export function actorLabel(actor: string): string {
  switch (actor) {
    case 'pinterest':
      return 'Pinterest (observed by a check)';
    case 'system':
      return 'the service';
    case 'scim':
      return 'the directory (SCIM)';
    default:
      return `admin key '${actor}'`;
  }
}

const list = (value: unknown): string =>
  Array.isArray(value) && value.length > 0 ? value.map(String).join(', ') : 'no permission';

const grantsText = (grants: unknown, ctx: SummaryContext): string => {
  const entries = Object.entries((grants ?? {}) as Record<string, unknown>);
  if (entries.length === 0) return 'no asset';
  return entries
    .map(([assetId, perms]) => `${list(perms)} on ${ctx.assetName(assetId)}`)
    .join('; ');
};

const SUMMARIES: Record<string, Summarizer> = {
  MemberDiscovered: (d, c) =>
    `${actorLabel(c.actor)} saw ${c.subjectName} on the business as ${String(d.businessRole)} with ${grantsText(d.assets, c)}`,
  MemberProfileChanged: (d, c) =>
    `${actorLabel(c.actor)} saw ${c.subjectName}'s profile change to ${String((d.personal as Data | undefined)?.name ?? '')}`,
  MemberBusinessRoleChanged: (d, c) =>
    `${actorLabel(c.actor)} changed ${c.subjectName}'s business role from ${String(d.from)} to ${String(d.to)}`,
  MemberAssetPermissionsChanged: (d, c) => {
    const from = Array.isArray(d.from) ? (d.from as string[]) : [];
    const to = Array.isArray(d.to) ? (d.to as string[]) : [];
    const asset = c.assetName(String(d.assetId));
    const added = to.filter((p) => !from.includes(p));
    const removed = from.filter((p) => !to.includes(p));
    const parts = [
      ...(added.length ? [`granted ${added.join(', ')}`] : []),
      ...(removed.length ? [`removed ${removed.join(', ')}`] : []),
    ];
    return `${actorLabel(c.actor)} ${parts.join(' and ') || 'kept the permissions'} on ${asset} for ${c.subjectName}`;
  },
  MemberLeftBusiness: (d, c) =>
    `${actorLabel(c.actor)} saw ${c.subjectName} gone from the business (${grantsText(d.revokedAssets, c)} ended)`,
  MemberMatched: (d, c) =>
    `${actorLabel(c.actor)} matched ${c.subjectName} to identity ${String(d.identityId)} (${String(d.how)}, ${String(d.rule)}${d.role ? `, ${String(d.role)}` : ''})`,
  MemberMatchAmbiguous: (d, c) =>
    `${actorLabel(c.actor)} found ${Array.isArray(d.candidates) ? d.candidates.length : 0} candidate identities for ${c.subjectName}`,
  MemberAmbiguityCleared: (_d, c) =>
    `${actorLabel(c.actor)} cleared the ambiguity of ${c.subjectName}`,
  MemberExempted: (d, c) => `${actorLabel(c.actor)} exempted ${c.subjectName}: ${String(d.reason)}`,
  MemberUnexempted: (_d, c) => `${actorLabel(c.actor)} ended the exemption of ${c.subjectName}`,
  MemberRemovalRequested: (_d, c) =>
    `${actorLabel(c.actor)} asked to remove ${c.subjectName} from the business`,
  MemberInviteRequested: (d, c) =>
    `${actorLabel(c.actor)} asked to invite ${String(d.email)} as ${String(d.businessRole)} for ${c.subjectName}`,
  MemberBusinessRoleChangeRequested: (d, c) =>
    `${actorLabel(c.actor)} asked to change ${c.subjectName}'s business role from ${String(d.from)} to ${String(d.to)}`,
  MemberAssetPermissionsChangeRequested: (d, c) =>
    `${actorLabel(c.actor)} asked to set ${c.subjectName}'s permissions on ${c.assetName(String(d.assetId))} to ${list(d.to)}`,
  MemberActionAttempted: (d, c) =>
    `${actorLabel(c.actor)} made attempt ${String(d.attempt)} on Pinterest for ${c.subjectName}`,
  MemberActionAttemptFailed: (d, c) =>
    `${actorLabel(c.actor)} failed attempt ${String(d.attempt)} for ${c.subjectName} (${String((d.failure as Data | undefined)?.kind ?? 'error')})`,
  MemberRemoved: (d, c) =>
    d.outcome === 'removed'
      ? `${actorLabel(c.actor)} removed ${c.subjectName} from the business (${grantsText(d.revokedAssets, c)} ended)`
      : `${actorLabel(c.actor)} found ${c.subjectName} already absent from the business${d.removedBy ? ` (removed by ${String(d.removedBy)})` : ''}`,
  MemberRemovalFailed: (d, c) =>
    `${actorLabel(c.actor)} could not remove ${c.subjectName} after ${String(d.attempts)} attempts`,
  MemberInvited: (d, c) =>
    `${actorLabel(c.actor)} invited ${String(d.email)} for ${c.subjectName} (${String(d.outcome)})`,
  MemberInviteFailed: (d, c) =>
    `${actorLabel(c.actor)} could not invite ${c.subjectName} after ${String(d.attempts)} attempts`,
  MemberInviteClaimed: (d, c) =>
    `${actorLabel(c.actor)} saw ${String(d.email)} join the business for ${c.subjectName}`,
  MemberInviteExpired: (d, c) =>
    `${actorLabel(c.actor)} saw the invite of ${String(d.email)} end (${String(d.status)})`,
  MemberUpdateFailed: (d, c) =>
    `${actorLabel(c.actor)} could not update ${c.subjectName} after ${String(d.attempts)} attempts`,
  MemberAccountConnected: (_d, c) =>
    `${actorLabel(c.actor)} connected ${c.subjectName}'s own Pinterest account`,
  MemberAccountConnectionFailed: (_d, c) =>
    `${actorLabel(c.actor)} could not connect ${c.subjectName}'s own Pinterest account`,
  IdentityProvisioned: (_d, c) =>
    `${actorLabel(c.actor)} provisioned ${c.subjectName} in the directory`,
  IdentityUpdated: (_d, c) => `${actorLabel(c.actor)} updated ${c.subjectName} in the directory`,
  IdentityDeprovisioned: (_d, c) =>
    `${actorLabel(c.actor)} deprovisioned ${c.subjectName} in the directory`,
  IdentityReactivated: (_d, c) =>
    `${actorLabel(c.actor)} reactivated ${c.subjectName} in the directory`,
  PartnerDiscovered: (d, c) =>
    `${actorLabel(c.actor)} saw partner ${c.subjectName} reach ${grantsText(d.assets, c)}`,
  PartnerAccessChanged: (d, c) =>
    `${actorLabel(c.actor)} saw partner ${c.subjectName}'s access change to ${grantsText(d.to, c)}`,
};

/** `MemberDeprovisionedLeaver` → `member deprovisioned leaver`. */
function words(type: string): string {
  return type
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
}

export function summarize(type: string, data: unknown, ctx: SummaryContext): string {
  const known = SUMMARIES[type];
  const d = (data && typeof data === 'object' ? data : {}) as Data;
  if (known) return known(d, ctx);
  return `${actorLabel(ctx.actor)} recorded "${words(type)}" for ${ctx.subjectName}`;
}
