/**
 * bench:erasure — what encrypting personal fields costs the event store, and what an erasure
 * costs the key store, on the same machine in the same run.
 *
 *   npm run bench:erasure -- [--members 20000] [--batch 100]
 *
 * 1. `--members` MemberDiscovered events (name, email) and as many MemberAssetPermissionsChanged
 *    (nothing personal), appended through `EventStore` on SQLite with encryption and without,
 *    `--batch` streams per multi-stream append (the importer's fast path).
 * 2. The whole log read back in order (what a projection's catch-up does), both ways: the
 *    encrypted read decrypts each personal field with the person's cached key.
 * 3. One erasure in the key store (keys destroyed, secure_delete), then the log read again.
 *
 * Prints `# …` progress lines, then one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, type StreamWrite } from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import { PersonalDataEncryption, PersonKeyStore } from '@app/infrastructure';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
const MEMBERS = arg('members', 20_000);
const BATCH = arg('batch', 100);

const meta = () => ({
  workspaceId: 'w1',
  actor: 'pinterest',
  correlationId: 'c1',
  causationId: null,
  occurredAt: new Date().toISOString(),
  schemaVersion: 1,
});

function writes(from: number, to: number): StreamWrite[] {
  const out: StreamWrite[] = [];
  for (let m = from; m < to; m++) {
    out.push({
      stream: `member-m${m}`,
      expectedRevision: 'no_stream',
      events: [
        {
          type: 'MemberDiscovered',
          data: {
            memberId: `m${m}`,
            integrationId: 'i1',
            pinterestUserId: `${1000 + m}`,
            personal: { name: `Person Number${m}`, email: `person.${m}@corp.example` },
            businessRole: 'EMPLOYEE',
            assets: { a1: ['ANALYST'] },
          },
          metadata: meta(),
        },
        {
          type: 'MemberAssetPermissionsChanged',
          data: { memberId: `m${m}`, integrationId: 'i1', assetId: 'a2', from: [], to: ['ADMIN'] },
          metadata: meta(),
        },
      ],
    });
  }
  return out;
}

async function appendAll(store: EventStore): Promise<number> {
  const started = performance.now();
  for (let m = 0; m < MEMBERS; m += BATCH)
    await store.appendToStreams(writes(m, Math.min(MEMBERS, m + BATCH)));
  return (MEMBERS * 2) / ((performance.now() - started) / 1000);
}

/** One MemberProfileChanged per member, appended in batches: every person already has a key. */
async function renameAll(store: EventStore): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < MEMBERS; from += BATCH) {
    const batch: StreamWrite[] = [];
    for (let m = from; m < Math.min(MEMBERS, from + BATCH); m++)
      batch.push({
        stream: `member-m${m}`,
        expectedRevision: 1,
        events: [
          {
            type: 'MemberProfileChanged',
            data: {
              memberId: `m${m}`,
              integrationId: 'i1',
              personal: { name: `Person Renamed${m}`, email: `person.${m}@corp.example` },
            },
            metadata: meta(),
          },
        ],
      });
    await store.appendToStreams(batch);
  }
  return MEMBERS / ((performance.now() - started) / 1000);
}

async function readAll(store: EventStore): Promise<{ perSec: number; erased: number }> {
  const started = performance.now();
  let n = 0;
  let erased = 0;
  for await (const e of store.readAll()) {
    n += 1;
    const personal = (e.data as { personal?: { name: string } }).personal;
    if (personal?.name.startsWith('erased-')) erased += 1;
  }
  return { perSec: n / ((performance.now() - started) / 1000), erased };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-erasure-'));
  try {
    const plain = new EventStore(new SqliteEventStoreAdapter({ file: join(dir, 'plain.sqlite') }));
    const keys = PersonKeyStore.open(dir);
    const sealed = new EventStore(
      new SqliteEventStoreAdapter({ file: join(dir, 'sealed.sqlite') }),
      { personalData: new PersonalDataEncryption(keys) },
    );
    const plainAppend = await appendAll(plain);
    process.stdout.write(`# plain append ${plainAppend.toFixed(0)}/s\n`);
    const sealedAppend = await appendAll(sealed);
    process.stdout.write(`# encrypted append ${sealedAppend.toFixed(0)}/s (keys made)\n`);
    const plainRead = await readAll(plain);
    const sealedRead = await readAll(sealed);
    process.stdout.write(
      `# read ${plainRead.perSec.toFixed(0)}/s plain, ${sealedRead.perSec.toFixed(0)}/s decrypted\n`,
    );
    // A rebuild reads the log once per projection: the second read finds what the first opened.
    const plainAgain = await readAll(plain);
    const sealedAgain = await readAll(sealed);
    // Known persons (keys cached): what a re-check that sees renames costs.
    const plainRenames = await renameAll(plain);
    const sealedRenames = await renameAll(sealed);

    const started = performance.now();
    const id = keys.personIdOf('w1', 'person.7@corp.example');
    keys.erase(keys.reach(id));
    keys.checkpoint();
    const eraseMs = performance.now() - started;
    const afterErase = await readAll(sealed);
    await plain.close();
    await sealed.close();
    process.stdout.write(
      JSON.stringify({
        members: MEMBERS,
        events: MEMBERS * 2,
        plainAppendPerSec: Math.round(plainAppend),
        encryptedAppendPerSec: Math.round(sealedAppend),
        appendRatio: Number((sealedAppend / plainAppend).toFixed(3)),
        plainReadPerSec: Math.round(plainRead.perSec),
        decryptedReadPerSec: Math.round(sealedRead.perSec),
        readRatio: Number((sealedRead.perSec / plainRead.perSec).toFixed(3)),
        secondReadRatio: Number((sealedAgain.perSec / plainAgain.perSec).toFixed(3)),
        knownPersonAppendRatio: Number((sealedRenames / plainRenames).toFixed(3)),
        keyEraseMs: Number(eraseMs.toFixed(1)),
        erasedAfter: afterErase.erased,
        peakRssMb: Math.round(process.memoryUsage().rss / 1048576),
      }) + '\n',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
