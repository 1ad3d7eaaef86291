/**
 * bench/auth: what authenticating one request costs (the API key guard's hot path), in-process
 * over a real SQLite log holding `keys` credentials: a fresh known key (no I/O: an HMAC and a
 * constant-time compare), a legacy SHA-256 key, an unknown key, and a read of the log's tail
 * (what a stale view or a miss costs, at most once per second / 100 ms).
 * Last line: one JSON object.
 */
import { createSecretKey, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore } from '@app/eventstore';
import { CredentialIndex, hashSecret, hmacSecret } from '@app/governance';
import { arg, progress, round } from '../support/measure';

const keys = arg('keys', 1_000);
const rounds = arg('rounds', 200_000);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-auth-'));
  const events = createEventStore({ dataDir });
  const pepper = createSecretKey(randomBytes(32));
  const secrets: string[] = [];
  const metadata = {
    workspaceId: 'default',
    actor: 'bench',
    correlationId: 'bench',
    causationId: null,
    occurredAt: new Date().toISOString(),
    schemaVersion: 1,
  };
  for (let i = 0; i < keys; i++) {
    const id = randomBytes(8).toString('hex');
    const secret = `pak_${id}_${randomBytes(24).toString('base64url')}`;
    secrets.push(secret);
    await events.appendToStream('workspace-default', [
      {
        type: 'CredentialIssued',
        data: {
          workspaceId: 'default',
          credentialId: id,
          kind: 'api_key',
          name: `key ${i}`,
          secretHash: hmacSecret(pepper, secret),
          hashScheme: 'hmac-sha256',
          role: 'auditor',
        },
        metadata,
      },
    ]);
  }
  const legacy = 'legacy-admin-key-0123456789';
  await events.appendToStream('workspace-default', [
    {
      type: 'CredentialIssued',
      data: {
        workspaceId: 'default',
        credentialId: 'legacy',
        kind: 'api_key',
        name: 'legacy',
        secretHash: hashSecret(legacy),
      },
      metadata,
    },
  ]);
  // A view that never goes stale during the loop: the per-request cost alone.
  const index = new CredentialIndex(events, pepper, 60_000);
  const began = process.hrtime.bigint();
  await index.refresh();
  const loadMs = Number(process.hrtime.bigint() - began) / 1e6;
  progress(`loaded ${keys + 1} credentials in ${round(loadMs, 1)} ms`);

  const perCall = async (secret: (i: number) => string): Promise<number> => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) await index.find(secret(i), 'api_key');
    return Number(process.hrtime.bigint() - start) / 1e3 / rounds;
  };
  const known = await perCall((i) => secrets[i % secrets.length]);
  const legacyUs = await perCall(() => legacy);
  const unknownUs = await perCall((i) => `pak_${'0'.repeat(16)}_${i}`);
  const tailStart = process.hrtime.bigint();
  for (let i = 0; i < 1_000; i++) await index.refresh();
  const tailUs = Number(process.hrtime.bigint() - tailStart) / 1e3 / 1_000;
  await events.close();
  rmSync(dataDir, { recursive: true, force: true });
  const result = {
    keys: keys + 1,
    rounds,
    loadMs: round(loadMs, 1),
    knownKeyUs: round(known, 2),
    legacyKeyUs: round(legacyUs, 2),
    unknownKeyUs: round(unknownUs, 2),
    tailReadUs: round(tailUs, 1),
  };
  progress(
    `per request: known ${result.knownKeyUs} µs, legacy ${result.legacyKeyUs} µs, unknown ${result.unknownKeyUs} µs; a tail read ${result.tailReadUs} µs`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

void main();
