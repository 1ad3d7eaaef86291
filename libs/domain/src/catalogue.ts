import type { AutomationAccountEvent, AutomationTaskEvent } from './automation/automation.events';
import type { CatalogEvent } from './business/catalog.events';
import type { DeprovisionEvent } from './deprovision/deprovision.events';
import type { IdentityEvent } from './identity/identity.events';
import type { IntegrationEvent } from './integration/integration.events';
import type { MemberEvent } from './member/member.events';
import type { WorkspaceEvent } from './workspace/workspace.events';
import type { NotificationEvent } from './notification/notification.events';
import type { WorkspaceSettingsEvent } from './settings/workspace-settings.events';
import type { ExportEvent } from './export/export.events';
import type { PersonEvent } from './person/person.events';

export type EventType =
  | WorkspaceEvent['type']
  | IntegrationEvent['type']
  | MemberEvent['type']
  | CatalogEvent['type']
  | AutomationTaskEvent['type']
  | AutomationAccountEvent['type']
  | IdentityEvent['type']
  | DeprovisionEvent['type']
  | WorkspaceSettingsEvent['type']
  | NotificationEvent['type']
  | ExportEvent['type']
  | PersonEvent['type'];

export interface CatalogueEntry {
  /** The stream category the event is appended to. */
  category: string;
  /** The current schema version; older ones are upcast on read. */
  version: number;
  /** Whether `data` holds personal data, for erasure (then `personalFields` says where). */
  personal: boolean;
  /** Where and whose: encrypted per person at the event store's boundary. */
  personalFields?: readonly PersonalFields[];
  description: string;
}

/**
 * One group of personal fields of an event and the person they belong to. Every string under a
 * `fields` path is encrypted with that person's key when appended and decrypted when read;
 * once the key is destroyed, each reads `erased-<personId>`. Paths are dotted, relative to the
 * data (or to each item with `each`); `*` walks every item of an array; `''` is the item itself.
 *
 * Whose: the first email found at an `emails` path names the person (the other emails found
 * become aliases, so erasing any of them reaches the key). On a stream that is one person
 * (`streamIsPerson`: member, identity, automation account) the stream keeps the person it got
 * first, so an event with a name and no email (a renamed identity) is encrypted for the person
 * of its stream's email; before any email, the stream itself is the person. Text about several
 * people (`memberStreams`) needs every one of their keys to be read.
 */
export interface PersonalFields {
  /** An array path whose every item is a different person's (partner people, recipients). */
  each?: string;
  fields: readonly string[];
  emails?: readonly string[];
  streamIsPerson?: boolean;
  /** A path to member ids: the persons of those `member-` streams own the fields together. */
  memberStreams?: string;
}

const MEMBER_PERSONAL: readonly PersonalFields[] = [
  { fields: ['personal'], emails: ['personal.email'], streamIsPerson: true },
];
const MEMBER_EMAIL: readonly PersonalFields[] = [
  { fields: ['email'], emails: ['email'], streamIsPerson: true },
];
const IDENTITY_PERSONAL: readonly PersonalFields[] = [
  {
    fields: [
      'personal.userName',
      'personal.name',
      'personal.displayName',
      'personal.emails.*.value',
    ],
    emails: ['personal.emails.*.value', 'personal.userName'],
    streamIsPerson: true,
  },
];
const PARTNER_PEOPLE: readonly PersonalFields[] = [
  { each: 'people', fields: ['name', 'email'], emails: ['email'] },
];

/**
 * Every event type the product records. Typed by the unions above, so that a new event type
 * does not compile until it is catalogued; eventstore/event-catalogue.json is written from it.
 */
export const EVENT_CATALOGUE: Readonly<Record<EventType, CatalogueEntry>> = {
  WorkspaceCreated: {
    category: 'workspace',
    version: 1,
    personal: false,
    description: 'A workspace exists.',
  },
  CredentialIssued: {
    category: 'workspace',
    version: 1,
    personal: true,
    // The key's holder (name, email) once keys name a person; absent on older events.
    personalFields: [{ fields: ['person'], emails: ['person.email'] }],
    description:
      'An API key or SCIM token was issued: a hash of it (HMAC-SHA-256 with the server pepper; bare SHA-256 when hashScheme is absent), its role and the person it was handed to.',
  },
  CredentialRevoked: {
    category: 'workspace',
    version: 1,
    personal: false,
    description: 'A credential stopped working.',
  },
  CredentialRotated: {
    category: 'workspace',
    version: 1,
    personal: false,
    description: 'A credential was replaced by a new one and keeps working until expiresAt.',
  },
  IntegrationConnected: {
    category: 'integration',
    version: 1,
    personal: false,
    description:
      'A Pinterest business was connected: connector browser (automation account) or api (OAuth app, secrets by vault reference).',
  },
  IntegrationAuthorizationStarted: {
    category: 'integration',
    version: 1,
    personal: false,
    description:
      'An OAuth authorization-code flow began for an API integration (a hash of its state, its expiry).',
  },
  IntegrationAuthorized: {
    category: 'integration',
    version: 1,
    personal: false,
    description:
      "The app's authorization as the API granted it: scopes, missing scopes, token expiry; the new refresh token by vault reference only.",
  },
  IntegrationDisconnected: {
    category: 'integration',
    version: 1,
    personal: false,
    description: 'The integration was disconnected; its history stays.',
  },
  CheckForUpdatesRequested: {
    category: 'integration',
    version: 1,
    personal: false,
    description: 'A check for updates was asked for (web app, workspace policy or SCIM).',
  },
  CheckForUpdatesFinished: {
    category: 'integration',
    version: 1,
    personal: false,
    description: 'The check ended, completed or not.',
  },
  IntegrationHealthChanged: {
    category: 'integration',
    version: 1,
    personal: false,
    description: 'The integration card changed health, with the reason.',
  },
  MemberDiscovered: {
    category: 'member',
    version: 1,
    personal: true,
    personalFields: MEMBER_PERSONAL,
    description: 'A person was seen in the business for the first time (or again after leaving).',
  },
  MemberProfileChanged: {
    category: 'member',
    version: 1,
    personal: true,
    personalFields: MEMBER_PERSONAL,
    description: "The person's name or email changed on Pinterest.",
  },
  MemberBusinessRoleChanged: {
    category: 'member',
    version: 1,
    personal: false,
    description:
      'Employee ↔ Manager, observed (actor pinterest) or requested (actor the admin; then taskId, outcome changed|already_done and afterInterruptedAttempt, fields a check never writes).',
  },
  MemberAssetPermissionsChanged: {
    category: 'member',
    version: 1,
    personal: false,
    description:
      "One asset's permissions for the person, before and after (requested ones add taskId, outcome changed|already_done and afterInterruptedAttempt).",
  },
  MemberLeftBusiness: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'Gone from Pinterest without the service: every permission ended.',
  },
  MemberMatched: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'Matched to a directory identity, automatically (rule) or manually (role).',
  },
  MemberMatchAmbiguous: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'Several identities fit: a human decides.',
  },
  MemberAmbiguityCleared: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'The candidates no longer fit.',
  },
  MemberExempted: {
    category: 'member',
    version: 1,
    personal: false,
    description:
      'Kept on Pinterest on purpose, with a reason and, optionally, expiresAt: when the exemption ends by itself.',
  },
  MemberUnexempted: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'Back to the Unmatched tab.',
  },
  MemberExemptionExpired: {
    category: 'member',
    version: 1,
    personal: false,
    description:
      "The exemption's expiresAt came (actor system, reason exemption_expired): back to the Unmatched tab, matched again if an identity fits.",
  },
  MemberRemovalRequested: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'An admin asked for the removal; the saga carries it out.',
  },
  MemberInviteRequested: {
    category: 'member',
    version: 1,
    personal: true,
    personalFields: MEMBER_EMAIL,
    description: "The matched identity's email is to be invited to the business.",
  },
  MemberBusinessRoleChangeRequested: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'An admin asked for a new business role.',
  },
  MemberAssetPermissionsChangeRequested: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'An admin asked for new permissions on one asset ([] removes access).',
  },
  MemberActionAttempted: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'The saga is about to act on Pinterest (attempt n).',
  },
  MemberActionAttemptFailed: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'An attempt failed transiently; the next one is scheduled.',
  },
  MemberRemoved: {
    category: 'member',
    version: 2,
    personal: false,
    description:
      'The removal request ended: removed by the service, or found already absent (v2: after an interrupted attempt of ours or not, and by whom when the page says).',
  },
  MemberRemovalFailed: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'The removal stopped for good: reason, evidence, attempts.',
  },
  MemberInvited: {
    category: 'member',
    version: 2,
    personal: true,
    personalFields: MEMBER_EMAIL,
    description:
      'The invitation was sent, or found already sent or a member (v2: after an interrupted attempt of ours or not).',
  },
  MemberInviteFailed: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'The invitation could not be sent.',
  },
  MemberInviteClaimed: {
    category: 'member',
    version: 1,
    personal: true,
    personalFields: MEMBER_EMAIL,
    description: 'A check saw the invited email join the business.',
  },
  MemberInviteExpired: {
    category: 'member',
    version: 1,
    personal: true,
    personalFields: MEMBER_EMAIL,
    description: 'The invitation was declined, cancelled or expired.',
  },
  MemberUpdateFailed: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'A role or permission change stopped for good.',
  },
  MemberAccountConnected: {
    category: 'member',
    version: 1,
    personal: false,
    description: "The member's own Pinterest login works; kept in the vault (reference only).",
  },
  MemberAccountConnectionFailed: {
    category: 'member',
    version: 1,
    personal: false,
    description: "The member's Pinterest login was refused.",
  },
  MemberBecameLeaver: {
    category: 'member',
    version: 1,
    personal: false,
    description:
      'The identity the member is matched to was deprovisioned by the IdP: a leaver who still holds access.',
  },
  MemberReinstated: {
    category: 'member',
    version: 1,
    personal: false,
    description: 'The identity was reactivated before the leaver was removed: nothing is removed.',
  },
  AssetDiscovered: {
    category: 'business',
    version: 1,
    personal: false,
    description: 'An ad account, profile or catalog of the business.',
  },
  AssetRenamed: {
    category: 'business',
    version: 1,
    personal: false,
    description: 'An asset got a new name.',
  },
  AssetGone: {
    category: 'business',
    version: 1,
    personal: false,
    description: 'An asset is no longer listed.',
  },
  PartnerDiscovered: {
    category: 'business',
    version: 1,
    personal: true,
    personalFields: PARTNER_PEOPLE,
    description: 'A partner business with the assets it reaches (and its visible people).',
  },
  PartnerAccessChanged: {
    category: 'business',
    version: 1,
    personal: true,
    personalFields: PARTNER_PEOPLE,
    description: "A partner's reach changed, before and after.",
  },
  InvitationObserved: {
    category: 'business',
    version: 1,
    personal: true,
    personalFields: [{ fields: ['email'], emails: ['email'] }],
    description: 'An invitation was seen with a new status.',
  },
  AutomationTaskQueued: {
    category: 'automationTask',
    version: 1,
    personal: false,
    description: 'A task was created (kind, trigger, who asked).',
  },
  AutomationTaskStarted: {
    category: 'automationTask',
    version: 1,
    personal: false,
    description: 'Attempt n began.',
  },
  AutomationTaskProgressed: {
    category: 'automationTask',
    version: 1,
    personal: false,
    description: 'Done out of total, while running.',
  },
  AutomationTaskRetrying: {
    category: 'automationTask',
    version: 1,
    personal: false,
    description:
      'An attempt failed; retry at the given time. `snapshot` (optional, added without a version bump: older events simply lack it, so no upcaster has anything to fill in) names the kept snapshot when the attempt had read one.',
  },
  AutomationTaskCompleted: {
    category: 'automationTask',
    version: 1,
    personal: false,
    description:
      'Done, with a summary. A check adds `snapshot: { sha256, bytes }`, the snapshot it imported (kept under DATA_DIR/snapshots/<sha256>.json.gz); optional, added without a version bump: older events simply lack it (no snapshot was kept then), so an upcaster would have nothing to fill in, and readers treat its absence as "not kept".',
  },
  AutomationTaskNotCompleted: {
    category: 'automationTask',
    version: 1,
    personal: false,
    description:
      'Stopped for good, with the error kind and evidence. `snapshot` (optional, added without a version bump: older events simply lack it) names the kept snapshot when the last attempt had read one.',
  },
  AutomationAccountAdded: {
    category: 'automationAccount',
    version: 1,
    personal: true,
    personalFields: [
      { fields: ['label', 'email', 'phone'], emails: ['email'], streamIsPerson: true },
    ],
    description: 'The account the service logs in with (password in the vault).',
  },
  AutomationAccountCredentialsChanged: {
    category: 'automationAccount',
    version: 1,
    personal: true,
    personalFields: [{ fields: ['email'], emails: ['email'], streamIsPerson: true }],
    description: 'New login details (password in the vault).',
  },
  AutomationAccountLoginSucceeded: {
    category: 'automationAccount',
    version: 1,
    personal: false,
    description: 'A login with the account worked.',
  },
  AutomationAccountLoginFailed: {
    category: 'automationAccount',
    version: 1,
    personal: false,
    description: 'A login with the account was refused.',
  },
  AutomationAccountCredentialsRefused: {
    category: 'automationAccount',
    version: 1,
    personal: false,
    description:
      'New credentials for the account did not log in; the account and its credentials in force are unchanged.',
  },
  IdentityProvisioned: {
    category: 'identity',
    version: 1,
    personal: true,
    personalFields: IDENTITY_PERSONAL,
    description: 'The IdP created a directory user (SCIM).',
  },
  IdentityUpdated: {
    category: 'identity',
    version: 1,
    personal: true,
    personalFields: IDENTITY_PERSONAL,
    description: 'Changed attributes of a directory user.',
  },
  GuestIdentityInvited: {
    category: 'identity',
    version: 1,
    personal: true,
    personalFields: IDENTITY_PERSONAL,
    description:
      'An admin gave a guest user or local partner an identity, with its sponsor and expiresAt (not the IdP: SCIM does not see it).',
  },
  IdentityDeprovisioned: {
    category: 'identity',
    version: 1,
    personal: false,
    description:
      'active=false or DELETE (reason deactivated|deleted); the user stays readable (unless deleted). A guest ends with guest_expired, sponsor_left or guest_ended.',
  },
  IdentityReactivated: {
    category: 'identity',
    version: 1,
    personal: false,
    description: 'active=true again.',
  },
  NotificationRecipientsChanged: {
    category: 'workspaceSettings',
    version: 1,
    personal: true,
    personalFields: [{ each: 'personal.emails', fields: [''], emails: [''] }],
    description: 'The workspace notification recipients, the whole list as it now stands.',
  },
  NotificationQueued: {
    category: 'notification',
    version: 1,
    personal: true,
    personalFields: [
      { each: 'personal.to', fields: [''], emails: [''] },
      { fields: ['personal.subject', 'personal.text'], memberStreams: 'memberIds' },
    ],
    description: 'A message to send (kind, recipients, subject, text), recorded before any send.',
  },
  NotificationAttempted: {
    category: 'notification',
    version: 1,
    personal: false,
    description: 'The message is about to be handed to the mail server (attempt n).',
  },
  NotificationAttemptFailed: {
    category: 'notification',
    version: 1,
    personal: false,
    description: 'An attempt failed (the server reply, password removed); the next is scheduled.',
  },
  NotificationSent: {
    category: 'notification',
    version: 1,
    personal: false,
    description:
      'The mail server accepted the message (its Message-ID; afterInterruptedAttempt when an earlier attempt was cut short).',
  },
  NotificationFailed: {
    category: 'notification',
    version: 1,
    personal: false,
    description: 'The message could not be sent after its attempts, with the reason.',
  },
  NotificationKeptInOutbox: {
    category: 'notification',
    version: 1,
    personal: false,
    description: 'The message was kept in the outbox: no recipients, or no mail server configured.',
  },
  DeprovisionReportApplied: {
    category: 'deprovisionReport',
    version: 1,
    personal: false,
    description:
      'An admin applied the deprovision report: each member is removed as its own task, grouped by applyId.',
  },
  DeprovisionReportAnnounced: {
    category: 'deprovisionReport',
    version: 1,
    personal: false,
    description:
      'Pending leavers were announced by one notification (delivered or kept in the outbox).',
  },
  DeprovisionVerificationRequested: {
    category: 'deprovisionReport',
    version: 1,
    personal: false,
    description: "An apply's removals ended: a check was asked for to prove them from Pinterest.",
  },
  EvidenceExportRequested: {
    category: 'export',
    version: 1,
    personal: false,
    description: 'An evidence export was handed out: kind, params, format, position and sha256.',
  },
  PersonErased: {
    category: 'person',
    version: 1,
    personal: false,
    description:
      "An erasure's tombstone: the person's key was destroyed (personId, reason; who and when in the metadata, never the email). At start every key of a tombstoned person is destroyed again.",
  },
};

/** The version new events of this type are written with (1 for a type not catalogued). */
export function schemaVersionOf(type: string): number {
  return (EVENT_CATALOGUE as Readonly<Record<string, CatalogueEntry>>)[type]?.version ?? 1;
}
