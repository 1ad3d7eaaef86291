import { createHash, createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import type {
  CredentialIssued,
  CredentialKind,
  CredentialRevoked,
  CredentialRole,
  CredentialRotated,
} from '@app/domain';
import type { EventStore, Position } from '@app/eventstore';

const CREDENTIAL_EVENTS = ['CredentialIssued', 'CredentialRevoked', 'CredentialRotated'];

/** How generated secrets start: the kind, then the credential id, then the secret. */
export const KEY_PREFIX: Record<CredentialKind, string> = { api_key: 'pak', scim_token: 'scim' };
const MISS_REFRESH_MS = 100;
const WITH_ID = /^(pak|scim)_([0-9a-f]{16})_/;

export interface IndexedCredential {
  credentialId: string;
  workspaceId: string;
  kind: CredentialKind;
  name: string;
  role: CredentialRole;
  hash: Buffer;
  peppered: boolean;
  revoked: boolean;
  /** Epoch ms; null while not rotated. */
  expiresAt: number | null;
}

function usableAt(c: IndexedCredential, now: number): boolean {
  return !c.revoked && (c.expiresAt === null || now < c.expiresAt);
}

export function hmacSecret(pepper: KeyObject, secret: string): string {
  return createHmac('sha256', pepper).update(secret, 'utf8').digest('hex');
}

/** Credentials issued before the pepper: kept working (flagged legacy) until rotated. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Every credential of the log, in this process, read from the event store itself: a revocation
 * or a new key reaches each process within `maxAgeMs` of being appended, whichever process
 * runs the projections and however far behind it is. Fresh, a request costs no I/O; stale,
 * one read of the credential events appended since the last one (shared by concurrent requests).
 */
export class CredentialIndex {
  private readonly byId = new Map<string, IndexedCredential>();
  /** Hex hash → id, for secrets that do not carry their id (environment keys, legacy keys). */
  private readonly byHash = new Map<string, string>();
  /**
   * Secrets already verified, to their credential: the next request with one costs a map
   * lookup instead of an HMAC. Bounded by the credentials there are (only matches are kept);
   * the entry is the live record, so a revocation or expiry still applies.
   */
  private readonly verified = new Map<string, IndexedCredential>();
  private position: Position | undefined;
  private refreshedAt = Number.NEGATIVE_INFINITY;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly events: EventStore,
    private readonly pepper: KeyObject,
    private readonly maxAgeMs = 1_000,
  ) {}

  async find(
    secret: string,
    kind: CredentialKind,
    now = Date.now(),
  ): Promise<IndexedCredential | null> {
    if (now - this.refreshedAt > this.maxAgeMs) await this.refresh();
    const known = this.verified.get(secret);
    if (known) return known.kind === kind && usableAt(known, now) ? known : null;
    let candidate = this.candidate(secret);
    if (!candidate && Date.now() - this.refreshedAt > MISS_REFRESH_MS) {
      // A key issued a moment ago elsewhere: one read of the log's tail, at most every 100 ms,
      // so that unknown keys cannot make every request read.
      await this.refresh();
      candidate = this.candidate(secret);
    }
    if (!candidate || candidate.kind !== kind || !usableAt(candidate, now)) return null;
    const presented = Buffer.from(
      candidate.peppered ? hmacSecret(this.pepper, secret) : hashSecret(secret),
      'hex',
    );
    if (presented.length !== candidate.hash.length) return null;
    if (!timingSafeEqual(presented, candidate.hash)) return null;
    this.verified.set(secret, candidate);
    return candidate;
  }

  /** Reads what was appended since the last read; concurrent callers share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.readNew().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private candidate(secret: string): IndexedCredential | undefined {
    const prefixed = WITH_ID.exec(secret);
    const byPrefix = prefixed ? this.byId.get(prefixed[2]) : undefined;
    if (byPrefix) return byPrefix;
    const id =
      this.byHash.get(hmacSecret(this.pepper, secret)) ?? this.byHash.get(hashSecret(secret));
    return id === undefined ? undefined : this.byId.get(id);
  }

  private async readNew(): Promise<void> {
    // Staleness counts from when the read began: what it returns is at least that fresh.
    const startedAt = Date.now();
    for await (const event of this.events.readAll({
      after: this.position,
      filter: { eventTypes: CREDENTIAL_EVENTS },
    })) {
      this.apply(event.type, event.data);
      this.position = event.position;
    }
    this.refreshedAt = startedAt;
  }

  private apply(type: string, data: unknown): void {
    if (type === 'CredentialIssued') {
      const d = data as CredentialIssued['data'];
      const previous = this.byId.get(d.credentialId);
      if (previous) {
        this.byHash.delete(previous.hash.toString('hex'));
        // A re-issued id gets a new record: secrets verified against the old one are checked again.
        this.verified.clear();
      }
      this.byId.set(d.credentialId, {
        credentialId: d.credentialId,
        workspaceId: d.workspaceId,
        kind: d.kind,
        name: d.name,
        role: d.role ?? 'admin',
        hash: Buffer.from(d.secretHash, 'hex'),
        peppered: d.hashScheme === 'hmac-sha256',
        revoked: false,
        expiresAt: null,
      });
      this.byHash.set(d.secretHash, d.credentialId);
    } else if (type === 'CredentialRevoked') {
      const c = this.byId.get((data as CredentialRevoked['data']).credentialId);
      if (c) c.revoked = true;
    } else if (type === 'CredentialRotated') {
      const d = data as CredentialRotated['data'];
      const c = this.byId.get(d.credentialId);
      if (c) c.expiresAt = Date.parse(d.expiresAt);
    }
  }
}
