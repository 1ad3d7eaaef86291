import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';

import type { FaultsInput, LogEntry, SimulatorFixture } from '@app/simulator';

export const BUSINESS_ID = '100000000000000001';
export const OTHER_BUSINESS_ID = '200000000000000002';

export const MANAGER = { email: 'automation@test.example', password: 'Manager-Secret-7731' };
export const EMPLOYEE = { email: 'erin@test.example', password: 'Employee-Secret-4410' };
export const TWO_FACTOR = { email: 'mfa@test.example', password: 'Mfa-Secret-9902' };
export const ALL_SECRETS = [MANAGER.password, EMPLOYEE.password, TWO_FACTOR.password];

/** A small business with every case a snapshot must read, and a second one we are not in. */
export function testFixture(): SimulatorFixture {
  return {
    businesses: [
      {
        id: BUSINESS_ID,
        name: 'Test Home & Garden',
        members: [
          {
            id: '900',
            name: 'Automation',
            email: MANAGER.email,
            role: 'MANAGER',
            password: MANAGER.password,
            addedAt: '2023-01-02T03:04:05.000Z',
          },
          {
            id: '901',
            name: 'Erin Employee',
            email: EMPLOYEE.email,
            role: 'EMPLOYEE',
            password: EMPLOYEE.password,
            addedAt: '2023-02-01T00:00:00.000Z',
          },
          {
            id: '902',
            name: 'Mia Multifactor',
            email: TWO_FACTOR.email,
            role: 'MANAGER',
            password: TWO_FACTOR.password,
            twoFactor: true,
            addedAt: '2023-03-01T00:00:00.000Z',
          },
          {
            id: '903',
            name: 'Ana Analyst',
            email: 'ana@test.example',
            role: 'EMPLOYEE',
            addedAt: '2023-04-01T00:00:00.000Z',
          },
          {
            id: '904',
            name: 'Leo Leaver',
            email: 'leo@test.example',
            role: 'EMPLOYEE',
            addedAt: '2022-05-01T00:00:00.000Z',
          },
          {
            id: '905',
            name: "Zoë O'Brien <Ops>",
            email: 'zoe@test.example',
            role: 'MANAGER',
            addedAt: '2024-06-15T12:30:00.000Z',
          },
        ],
        invites: [
          {
            email: 'pending@test.example',
            role: 'EMPLOYEE',
            status: 'PENDING',
            sentAt: '2024-07-01T00:00:00.000Z',
          },
          {
            email: 'expired@test.example',
            role: 'MANAGER',
            status: 'EXPIRED',
            sentAt: '2024-01-01T00:00:00.000Z',
          },
        ],
        assets: [
          { id: '5491', type: 'AD_ACCOUNT', name: 'US Ads' },
          { id: '7001', type: 'PROFILE', name: 'Main profile' },
          { id: '5492', type: 'AD_ACCOUNT', name: 'EU Ads' },
          { id: '8001', type: 'CATALOG', name: 'Products' },
          { id: '5493', type: 'AD_ACCOUNT', name: 'Unused Ads' },
        ],
        grants: [
          { memberId: '903', assetId: '5491', permissions: ['CAMPAIGN_MANAGER', 'ANALYST'] },
          { memberId: '903', assetId: '7001', permissions: ['PROFILE_PUBLISHER'] },
          { memberId: '904', assetId: '5491', permissions: ['ADMIN'] },
          { memberId: '904', assetId: '8001', permissions: ['CATALOGS_MANAGER'] },
          {
            memberId: '905',
            assetId: '5492',
            permissions: ['FINANCE_MANAGER', 'AUDIENCE_MANAGER', 'CATALOGS_MANAGER'],
          },
          { memberId: '901', assetId: '5492', permissions: ['ANALYST'] },
        ],
        partners: [
          {
            id: '3001',
            name: 'Bright Agency',
            grants: [{ assetId: '5491', permissions: ['ANALYST'] }],
            members: [{ id: '31', name: 'Pat Partner', email: 'pat@bright.example' }],
          },
          {
            id: '3002',
            name: 'Hidden Partner',
            grants: [{ assetId: '8001', permissions: ['CATALOGS_MANAGER'] }],
          },
        ],
      },
      {
        id: OTHER_BUSINESS_ID,
        name: 'Someone Else',
        members: [{ id: '1', name: 'Other', email: 'other@else.example', role: 'MANAGER' }],
      },
    ],
  };
}

/** The simulator's test-only control API, over HTTP as a test suite elsewhere would use it. */
export class SimControl {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  }

  reset(fixture: SimulatorFixture = testFixture()): Promise<unknown> {
    return this.call('POST', '/__sim/reset', fixture);
  }
  faults(faults: FaultsInput): Promise<unknown> {
    return this.call('POST', '/__sim/faults', faults);
  }
  log(): Promise<LogEntry[]> {
    return this.call('GET', '/__sim/log');
  }
  state(): Promise<SimulatorFixture> {
    return this.call('GET', '/__sim/state');
  }
  sessions(): Promise<{ email: string; createdAt: string }[]> {
    return this.call('GET', '/__sim/sessions');
  }
  async code(email: string): Promise<string> {
    return (
      await this.call<{ code: string }>('GET', `/__sim/codes?email=${encodeURIComponent(email)}`)
    ).code;
  }
  generate(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    return this.call('POST', '/__sim/generate', body);
  }
}

export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pinterest-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Entries of a zip file (a Playwright trace), decompressed: enough to search them. */
export function zipEntries(path: string): Map<string, Buffer> {
  const zip = readFileSync(path);
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error(`${path} is not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    out.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + skip;
  }
  return out;
}

/** Every file under dir, zips opened: where a leaked secret would be. */
export function evidenceContains(dir: string, needle: string): string[] {
  const hits: string[] = [];
  if (!existsSync(dir)) return hits;
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        walk(p);
      } else if (p.endsWith('.zip')) {
        for (const [entry, data] of zipEntries(p)) {
          if (data.includes(needle)) hits.push(`${p}:${entry}`);
        }
      } else if (readFileSync(p).includes(needle)) {
        hits.push(p);
      }
    }
  };
  walk(dir);
  return hits;
}

export function expectEvidence(
  evidence: { screenshotPath?: string; tracePath?: string; htmlPath?: string } | undefined,
): void {
  expect(evidence?.screenshotPath).toMatch(/screenshot\.png$/);
  expect(existsSync(evidence!.screenshotPath!)).toBe(true);
  expect(evidence?.tracePath).toMatch(/trace\.zip$/);
  expect([...zipEntries(evidence!.tracePath!).keys()]).toEqual(
    expect.arrayContaining(['trace.trace']),
  );
  expect(readFileSync(evidence!.htmlPath!, 'utf8')).toMatch(/^<!DOCTYPE html>/i);
}

/** Runs fn and returns what it threw, failing the test when it did not throw. */
export async function caught(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, none was thrown');
}
