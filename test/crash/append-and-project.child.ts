/**
 * A worker that records what the product records, and projects it, until it is killed. The
 * crash test starts it, kills it with SIGKILL at a random moment and checks that every read
 * model of the product equals a rebuild from the log.
 *
 * The events are the domain's own, decided by its real deciders on what each stream holds
 * and appended with the expected revision (as the command executor does): an integration is
 * connected and its catalog observed; members are discovered, change role and permissions,
 * leave, are matched (by hand and automatically), exempted and unexempted; SCIM provisions and
 * deprovisions identities; checks run as automation tasks. Some member observations go in
 * through one multi-stream append, as an import does. So the governance projections
 * (members, integrations with their tab counters, assets, identities, tasks…) all move.
 */
import { randomUUID } from 'node:crypto';
import {
  automationTaskDecider,
  automationTaskStream,
  businessStream,
  catalogDecider,
  type Decider,
  type DomainEvent,
  DomainError,
  identityDecider,
  identityStream,
  integrationDecider,
  integrationStream,
  memberDecider,
  memberIdFor,
  memberStream,
  type AssetPermission,
  type ObservedMember,
  schemaVersionOf,
} from '@app/domain';
import { type EventStore, WrongExpectedRevision } from '@app/eventstore';
import { allProjections } from '@app/governance';
import {
  loadAggregate,
  loadEnvironment,
  metadataFor,
  openEventStore,
  openReadModelStore,
} from '@app/infrastructure';
import { ProjectionRunner } from '@app/projections';

const WORKSPACE = 'crash';
const INTEGRATION = '0c0a5e00-0000-4000-8000-000000000001';
const ACCOUNT = '0c0a5e00-0000-4000-8000-000000000002';
const PEOPLE = 40;
const ASSETS: { assetId: string; type: 'AD_ACCOUNT' | 'PROFILE'; perms: AssetPermission[] }[] = [
  { assetId: '5001', type: 'AD_ACCOUNT', perms: ['ADMIN', 'ANALYST', 'CAMPAIGN_MANAGER'] },
  { assetId: '5002', type: 'AD_ACCOUNT', perms: ['ANALYST', 'FINANCE_MANAGER'] },
  { assetId: '6001', type: 'PROFILE', perms: ['PROFILE_PUBLISHER'] },
];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const person = (): number => Math.floor(Math.random() * PEOPLE);
const emailOf = (k: number): string => `person${k}@acme-home.example`;
/** Identity ids are fixed per person, so a restarted worker keeps working on the same ones. */
const identityOf = (k: number): string => `0c0a5e00-0000-4000-8001-${String(k).padStart(12, '0')}`;
const memberOf = (k: number): string => memberIdFor(INTEGRATION, `p${k}`);

function observed(k: number): ObservedMember {
  const assets: Record<string, AssetPermission[]> = {};
  for (const asset of ASSETS) {
    if (Math.random() < 0.5) assets[asset.assetId] = asset.perms.filter(() => Math.random() < 0.6);
  }
  return {
    pinterestUserId: `p${k}`,
    name: `Person ${k}`,
    email: emailOf(k),
    businessRole: Math.random() < 0.2 ? 'manager' : 'employee',
    assets,
  };
}

/** Decide on what the stream holds and append with its revision; a refusal decides nothing. */
async function execute<C, E extends DomainEvent, S>(
  events: EventStore,
  stream: string,
  decider: Decider<C, E, S>,
  command: C,
  actor = 'crash-admin',
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { state, revision } = await loadAggregate(events, stream, decider);
    let decided: E[];
    try {
      decided = decider.decide(command, state);
    } catch (error) {
      if (error instanceof DomainError) return;
      throw error;
    }
    if (decided.length === 0) return;
    try {
      await events.appendToStream(
        stream,
        decided.map((e) => ({
          type: e.type,
          data: e.data,
          metadata: metadataFor({ workspaceId: WORKSPACE, actor }, schemaVersionOf(e.type)),
        })),
        { expectedRevision: revision ?? 'no_stream' },
      );
      return;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevision)) throw error;
    }
  }
}

/** Several members observed in one multi-stream append, as an import chunk is. */
async function observeChunk(events: EventStore): Promise<void> {
  const people = [...new Set(Array.from({ length: 8 }, person))];
  const writes = [];
  for (const k of people) {
    const stream = memberStream(memberOf(k));
    const { state, revision } = await loadAggregate(events, stream, memberDecider);
    const decided = memberDecider.decide(
      {
        type: 'ObserveMember',
        memberId: memberOf(k),
        integrationId: INTEGRATION,
        observed: observed(k),
      },
      state,
    );
    if (decided.length === 0) continue;
    const actor = state.present ? 'pinterest' : 'crash-admin';
    writes.push({
      stream,
      events: decided.map((e) => ({
        type: e.type,
        data: e.data,
        metadata: metadataFor({ workspaceId: WORKSPACE, actor }, schemaVersionOf(e.type)),
      })),
      expectedRevision: revision ?? ('no_stream' as const),
    });
  }
  if (writes.length > 0) await events.appendToStreams(writes);
}

async function step(events: EventStore, i: number): Promise<void> {
  const k = person();
  const member = memberStream(memberOf(k));
  switch (
    pick([
      'observe',
      'chunk',
      'gone',
      'exempt',
      'unexempt',
      'match',
      'auto',
      'scim',
      'task',
      'health',
    ])
  ) {
    case 'observe':
      return execute(
        events,
        member,
        memberDecider,
        {
          type: 'ObserveMember',
          memberId: memberOf(k),
          integrationId: INTEGRATION,
          observed: observed(k),
        },
        'pinterest',
      );
    case 'chunk':
      return observeChunk(events);
    case 'gone':
      return execute(
        events,
        member,
        memberDecider,
        { type: 'ObserveMemberGone', memberId: memberOf(k) },
        'pinterest',
      );
    case 'exempt':
      return execute(events, member, memberDecider, {
        type: 'ExemptMember',
        reason: `contractor ${i}`,
      });
    case 'unexempt':
      return execute(events, member, memberDecider, { type: 'UnexemptMember' });
    case 'match':
      return execute(events, member, memberDecider, {
        type: 'MatchMember',
        identityId: identityOf(k),
        role: pick(['owner', 'collaborator'] as const),
        identity: { active: true, email: emailOf(k) },
        alreadyOnBusiness: true,
        taskId: randomUUID(),
      });
    case 'auto':
      return execute(events, member, memberDecider, {
        type: 'AutoMatch',
        candidates: [identityOf(k)],
        rule: 'normalized_email',
      });
    case 'scim': {
      const user = {
        externalId: `okta-${k}`,
        active: Math.random() < 0.8,
        personal: {
          userName: emailOf(k),
          name: { givenName: 'Person', familyName: String(k), formatted: null },
          displayName: `Person ${k}`,
          emails: [{ value: emailOf(k), type: 'work', primary: true }],
        },
      };
      const target = { identityId: identityOf(k), workspaceId: WORKSPACE };
      const { state } = await loadAggregate(events, identityStream(identityOf(k)), identityDecider);
      return execute(
        events,
        identityStream(identityOf(k)),
        identityDecider,
        state.identityId === null
          ? { type: 'ProvisionIdentity', ...target, user }
          : { type: 'ReplaceIdentity', ...target, user },
        'scim',
      );
    }
    case 'task': {
      const taskId = randomUUID();
      const stream = automationTaskStream(taskId);
      await execute(events, stream, automationTaskDecider, {
        type: 'QueueTask',
        taskId,
        integrationId: INTEGRATION,
        kind: 'syncing_users',
        trigger: 'web_app',
        requestedBy: 'crash-admin',
      });
      await execute(events, stream, automationTaskDecider, {
        type: 'StartAttempt',
        taskId,
        attempt: 1,
      });
      return execute(
        events,
        stream,
        automationTaskDecider,
        Math.random() < 0.7
          ? { type: 'CompleteTask', taskId, summary: { membersAdded: i } }
          : {
              type: 'MarkNotCompleted',
              taskId,
              attempts: 1,
              failure: { kind: 'transient', message: 'timeout', evidence: [] },
            },
      );
    }
    case 'health':
      return execute(events, integrationStream(INTEGRATION), integrationDecider, {
        type: 'ChangeHealth',
        to: pick(['healthy', 'requires_sync', 'review_service_account'] as const),
        reason: `round ${i}`,
      });
  }
}

async function setUp(events: EventStore): Promise<void> {
  await execute(events, integrationStream(INTEGRATION), integrationDecider, {
    type: 'ConnectIntegration',
    integrationId: INTEGRATION,
    label: 'Acme',
    businessId: '729090764583391194',
    loginMethod: 'password',
    automationAccountId: ACCOUNT,
  });
  await execute(events, businessStream(INTEGRATION), catalogDecider, {
    type: 'ObserveCatalog',
    integrationId: INTEGRATION,
    assets: ASSETS.map((a) => ({ assetId: a.assetId, type: a.type, name: `Asset ${a.assetId}` })),
    partners: [],
    invites: [],
  });
}

async function main(): Promise<void> {
  const env = loadEnvironment();
  const events = openEventStore(env);
  const readModels = await openReadModelStore(env);
  const runner = new ProjectionRunner(events, readModels, allProjections(), { batchSize: 50 });
  await runner.start();
  await setUp(events);
  await runner.waitFor(await events.headPosition(), 60_000);
  process.stdout.write('ready\n');
  const stopAfter = Number(process.env.CRASH_CHILD_APPENDS ?? 'Infinity');
  for (let i = 0; i < stopAfter; i += 1) {
    await step(events, i);
    // A steady trickle keeps the log small enough to verify each round quickly.
    await new Promise((r) => setTimeout(r, 2));
  }
  await runner.waitFor(await events.headPosition(), 60_000);
  process.stdout.write('caught-up\n');
  await runner.stop();
  await readModels.close();
  await events.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
