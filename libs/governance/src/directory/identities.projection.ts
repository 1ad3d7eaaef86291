import {
  type GuestTerms,
  IDENTITY_EVENT_TYPES,
  type IdentityEmail,
  type IdentityEvent,
  type IdentityName,
  type IdentityPersonalData,
  normalizeEmail,
} from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection, ProjectionContext } from '@app/projections';
import type { Document } from '@app/readmodels';

export const IDENTITIES = 'identities';

export type IdentitySource = 'scim' | 'guest';
export const IDENTITY_EMAILS = 'identity_emails';

/** One directory identity, as SCIM and the "Match with" search read it. */
export interface IdentityDoc extends Document {
  /** The SCIM resource id. */
  id: string;
  workspaceId: string;
  userName: string;
  /** Trimmed and lower-cased: userName is unique per workspace case-insensitively. */
  userNameLower: string;
  externalId: string | null;
  name: IdentityName;
  displayName: string | null;
  emails: IdentityEmail[];
  /** Every email, primary or not, trimmed and lower-cased, without repeats. */
  normalizedEmails: string[];
  active: boolean;
  /** Deleted by SCIM DELETE: hidden from SCIM and the lists, kept for what refers to it. */
  deleted: boolean;
  /** `scim`: the IdP's user; `guest`: a guest or local partner an admin invited (not in SCIM). */
  source: IdentitySource;
  /** A guest's sponsor, kind and end; null for the IdP's users. */
  guest: GuestTerms | null;
  /** Why it is inactive, as the last IdentityDeprovisioned said; null while active. */
  deprovisionReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** Revision of the identity's stream: the SCIM `meta.version`. */
  revision: number;
  /** Lower-cased names, userName and emails, one per line: what the search looks into. */
  searchText: string;
  /** Lower-cased display name, then the id: a unique key that orders the lists. */
  sortKey: string;
}

/**
 * Who holds an email: automatic matching reads one document per member email. An email held
 * by no live identity has no document.
 */
export interface IdentityEmailDoc extends Document {
  /** `${workspaceId}:${normalizedEmail}` */
  id: string;
  workspaceId: string;
  /** Normalised. */
  email: string;
  /** Every identity not deleted that has the email, active or not (SCIM's emails filter). */
  identityIds: string[];
  /** Those that are also active: the candidates for matching. */
  activeIdentityIds: string[];
}

export const identityEmailId = (workspaceId: string, email: string): string =>
  `${workspaceId}:${normalizeEmail(email)}`;

export function displayNameOf(doc: Pick<IdentityDoc, 'displayName' | 'name' | 'userName'>): string {
  const given = [doc.name.givenName, doc.name.familyName].filter(Boolean).join(' ');
  return doc.displayName ?? doc.name.formatted ?? (given || doc.userName);
}

/** The fields computed from the others, recomputed after every change. */
function derive(doc: IdentityDoc): IdentityDoc {
  const normalizedEmails = [...new Set(doc.emails.map((e) => normalizeEmail(e.value)))];
  const words = [
    doc.userName,
    doc.displayName,
    doc.name.formatted,
    doc.name.givenName,
    doc.name.familyName,
    [doc.name.givenName, doc.name.familyName].filter(Boolean).join(' '),
    ...normalizedEmails,
  ];
  return {
    ...doc,
    userNameLower: doc.userName.trim().toLowerCase(),
    normalizedEmails,
    searchText: [
      ...new Set(words.filter((w): w is string => !!w).map((w) => w.trim().toLowerCase())),
    ].join('\n'),
    // \u0001 sorts before every printable character, so "ann" comes before "ann b".
    sortKey: `${displayNameOf(doc).trim().toLowerCase()}\u0001${doc.id}`,
  };
}

function next(
  before: IdentityDoc | null,
  event: IdentityEvent,
  recorded: RecordedEvent,
): IdentityDoc | null {
  const stamp = { updatedAt: recorded.metadata.occurredAt, revision: recorded.revision };
  const created = (
    fields: Pick<IdentityDoc, 'id' | 'workspaceId' | 'externalId' | 'active' | 'source' | 'guest'>,
    personal: IdentityPersonalData,
  ): IdentityDoc =>
    derive({
      ...fields,
      userName: personal.userName,
      userNameLower: '',
      name: personal.name,
      displayName: personal.displayName,
      emails: personal.emails,
      normalizedEmails: [],
      deleted: false,
      deprovisionReason: fields.active ? null : 'deactivated',
      createdAt: recorded.metadata.occurredAt,
      searchText: '',
      sortKey: '',
      ...stamp,
    });
  switch (event.type) {
    case 'IdentityProvisioned': {
      const { identityId, workspaceId, externalId, active, personal } = event.data;
      return created(
        { id: identityId, workspaceId, externalId, active, source: 'scim', guest: null },
        personal,
      );
    }
    case 'GuestIdentityInvited': {
      const { identityId, workspaceId, personal, kind, sponsorIdentityId, expiresAt } = event.data;
      return created(
        {
          id: identityId,
          workspaceId,
          externalId: null,
          active: true,
          source: 'guest',
          guest: { kind, sponsorIdentityId, expiresAt },
        },
        personal,
      );
    }
    case 'IdentityUpdated': {
      if (!before) return null;
      const { externalId, personal } = event.data;
      return derive({
        ...before,
        ...personal,
        ...(externalId !== undefined ? { externalId } : {}),
        ...stamp,
      });
    }
    case 'IdentityDeprovisioned':
      if (!before) return null;
      return {
        ...before,
        active: false,
        deleted: before.deleted || event.data.reason === 'deleted',
        deprovisionReason: event.data.reason,
        ...stamp,
      };
    case 'IdentityReactivated':
      if (!before) return null;
      return { ...before, active: true, deprovisionReason: null, ...stamp };
  }
}

type Holding = 'none' | 'inactive' | 'active';

function holdings(doc: IdentityDoc | null): Map<string, Holding> {
  const map = new Map<string, Holding>();
  if (!doc || doc.deleted) return map;
  for (const email of doc.normalizedEmails) map.set(email, doc.active ? 'active' : 'inactive');
  return map;
}

/** Moves the identity in and out of the email documents whose holding changed. */
async function syncEmails(
  ctx: ProjectionContext,
  before: IdentityDoc | null,
  after: IdentityDoc,
): Promise<void> {
  const was = holdings(before);
  const now = holdings(after);
  for (const email of new Set([...was.keys(), ...now.keys()])) {
    const holding = now.get(email) ?? 'none';
    if ((was.get(email) ?? 'none') === holding) continue;
    const id = identityEmailId(after.workspaceId, email);
    const current = await ctx.get<IdentityEmailDoc>(IDENTITY_EMAILS, id);
    const without = (ids: readonly string[]) => ids.filter((i) => i !== after.id);
    const identityIds = without(current?.identityIds ?? []);
    const activeIdentityIds = without(current?.activeIdentityIds ?? []);
    if (holding !== 'none') identityIds.push(after.id);
    if (holding === 'active') activeIdentityIds.push(after.id);
    if (identityIds.length === 0) ctx.delete(IDENTITY_EMAILS, id);
    else {
      ctx.put<IdentityEmailDoc>(IDENTITY_EMAILS, {
        id,
        workspaceId: after.workspaceId,
        email,
        identityIds: identityIds.sort(),
        activeIdentityIds: activeIdentityIds.sort(),
      });
    }
  }
}

const KNOWN: ReadonlySet<string> = new Set(IDENTITY_EVENT_TYPES);

/** The directory as the read side sees it; both collections move in the same batch. */
export const identitiesProjection: Projection = {
  name: 'identities',
  version: 2,
  collections: [
    {
      name: IDENTITIES,
      // The list (optionally active only) and its search; the SCIM list (its source only) and
      // its filters by id and userName.
      indexes: [
        ['workspaceId', 'deleted', 'sortKey'],
        ['workspaceId', 'source', 'deleted', 'sortKey'],
        ['workspaceId', 'deleted', 'active', 'sortKey'],
        ['workspaceId', 'externalId', 'deleted', 'sortKey'],
        ['workspaceId', 'userNameLower', 'deleted', 'sortKey'],
      ],
      search: ['searchText'],
    },
    { name: IDENTITY_EMAILS, indexes: ['workspaceId', 'email'] },
  ],
  filter: { eventTypes: IDENTITY_EVENT_TYPES },
  async handle(recorded, ctx) {
    if (!KNOWN.has(recorded.type)) return;
    const event = { type: recorded.type, data: recorded.data } as IdentityEvent;
    const before = await ctx.get<IdentityDoc>(IDENTITIES, event.data.identityId);
    const after = next(before, event, recorded);
    if (!after) return;
    ctx.put<IdentityDoc>(IDENTITIES, after);
    await syncEmails(ctx, before, after);
  },
};

export const directoryProjections: Projection[] = [identitiesProjection];
