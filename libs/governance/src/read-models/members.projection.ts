import type { AssetGrants, BusinessRole, MatchHow, MemberEvent } from '@app/domain';
import { normalizeEmail } from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection } from '@app/projections';
import type { Document } from '@app/readmodels';

export type MemberTab = 'unmatched' | 'onboarded' | 'exempted' | 'gone';

export interface MemberDoc extends Document {
  workspaceId: string;
  integrationId: string;
  pinterestUserId: string;
  name: string;
  email: string;
  emailNormalized: string;
  businessRole: BusinessRole;
  assets: AssetGrants;
  present: boolean;
  tab: MemberTab;
  status: string;
  matchedIdentity: { identityId: string; how: MatchHow; rule: string; matchedAt: string; actor: string } | null;
  ambiguity: { candidates: string[]; rule: string; since: string } | null;
  exemption: { reason: string; actor: string; at: string } | null;
  /** Lower-cased name and email, for the tabs' search box. */
  searchText: string;
  discoveredAt: string;
  updatedAt: string;
}

export const MEMBERS = 'members';

function tabOf(doc: Pick<MemberDoc, 'present' | 'matchedIdentity' | 'exemption'>): MemberTab {
  if (!doc.present) return 'gone';
  if (doc.exemption) return 'exempted';
  if (doc.matchedIdentity) return 'onboarded';
  return 'unmatched';
}

function statusOf(doc: Pick<MemberDoc, 'present' | 'matchedIdentity' | 'exemption' | 'ambiguity'>): string {
  if (!doc.present) return 'removed';
  if (doc.exemption) return 'exempted';
  if (doc.matchedIdentity) return 'onboarded';
  return doc.ambiguity ? 'ambiguous' : 'unmatched';
}

/** The Unmatched / Onboarded / Exempted tabs: one document per member. */
export const membersProjection: Projection = {
  name: 'members',
  version: 1,
  collections: [
    {
      name: MEMBERS,
      indexes: ['workspaceId', 'integrationId', 'tab', 'emailNormalized', 'pinterestUserId', 'name'],
    },
  ],
  filter: { categories: ['member'] },
  async handle(recorded: RecordedEvent, ctx) {
    const event = recorded as unknown as MemberEvent & { metadata: RecordedEvent['metadata'] };
    const at = recorded.metadata.occurredAt;
    const current = await ctx.get<MemberDoc>(MEMBERS, event.data.memberId);
    let next: MemberDoc | null = current;
    switch (event.type) {
      case 'MemberDiscovered': {
        const d = event.data;
        next = {
          ...(current ?? {
            matchedIdentity: null,
            ambiguity: null,
            exemption: null,
            discoveredAt: at,
          }),
          id: d.memberId,
          workspaceId: recorded.metadata.workspaceId,
          integrationId: d.integrationId,
          pinterestUserId: d.pinterestUserId,
          name: d.personal.name,
          email: d.personal.email,
          emailNormalized: normalizeEmail(d.personal.email),
          businessRole: d.businessRole,
          assets: d.assets,
          present: true,
          tab: 'unmatched',
          status: 'unmatched',
          searchText: '',
          updatedAt: at,
        };
        break;
      }
      case 'MemberProfileChanged':
        if (current) {
          next = {
            ...current,
            name: event.data.personal.name,
            email: event.data.personal.email,
            emailNormalized: normalizeEmail(event.data.personal.email),
          };
        }
        break;
      case 'MemberBusinessRoleChanged':
        if (current) next = { ...current, businessRole: event.data.to };
        break;
      case 'MemberAssetPermissionsChanged':
        if (current) {
          const assets = { ...current.assets };
          if (event.data.to.length > 0) assets[event.data.assetId] = event.data.to;
          else delete assets[event.data.assetId];
          next = { ...current, assets };
        }
        break;
      case 'MemberLeftBusiness':
        if (current) next = { ...current, present: false, assets: {} };
        break;
      case 'MemberMatched':
        if (current) {
          next = {
            ...current,
            matchedIdentity: {
              identityId: event.data.identityId,
              how: event.data.how,
              rule: event.data.rule,
              matchedAt: at,
              actor: recorded.metadata.actor,
            },
            ambiguity: null,
          };
        }
        break;
      case 'MemberMatchAmbiguous':
        if (current) next = { ...current, ambiguity: { candidates: event.data.candidates, rule: event.data.rule, since: at } };
        break;
      case 'MemberAmbiguityCleared':
        if (current) next = { ...current, ambiguity: null };
        break;
    }
    if (!next) return;
    next.tab = tabOf(next);
    next.status = statusOf(next);
    next.searchText = `${next.name}\n${next.email}`.toLowerCase();
    next.updatedAt = at;
    ctx.put<MemberDoc>(MEMBERS, next);
  },
};
