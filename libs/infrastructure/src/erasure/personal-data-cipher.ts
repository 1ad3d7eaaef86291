import { randomBytes } from 'node:crypto';
import {
  type CatalogueEntry,
  erasedLabel,
  EVENT_CATALOGUE,
  type PersonalFields,
} from '@app/domain';
import type { NewEvent, PersonalDataCipher, RecordedEvent } from '@app/eventstore';
import { decrypt, encrypt } from './aes-gcm';
import type { PersonKeyStore } from './person-keys';

/**
 * A sealed value: `\0pd1.<personId>.<iv|tag|ciphertext>` for one owner, or
 * `\0pdn.<id>,<id>….<share>,<share>….<iv|tag|ciphertext>` for text about several people, whose
 * key is the XOR of one share per person, each share sealed with that person's key: every one
 * of them is needed to read it, so erasing any one of them hides it. NUL never occurs in a
 * plaintext field, so a sealed value cannot be mistaken for one.
 */
const ONE = '\u0000pd1.';
const MANY = '\u0000pdn.';
const SEALED = '\u0000pd';
const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** Opened values kept: every projection of a rebuild reads the same events again. */
const OPENED_CACHE = 50_000;

type Json = unknown;

function segments(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

/** The values at a path (`*` walks arrays). */
function valuesAt(value: Json, path: readonly string[]): Json[] {
  if (path.length === 0) return [value];
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(value) ? value.flatMap((v) => valuesAt(v, rest)) : [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const record = value as Record<string, Json>;
  return head in record ? valuesAt(record[head], rest) : [];
}

/** Every string under `value` through `fn`; the copy shares nothing with the input. */
function mapStrings(value: Json, fn: (s: string) => string): Json {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, fn);
    return out;
  }
  return value;
}

/** `value` with the strings under `path` through `fn` (a fresh copy along the path). */
function updateAt(value: Json, path: readonly string[], fn: (s: string) => string): Json {
  if (path.length === 0) return mapStrings(value, fn);
  const [head, ...rest] = path;
  if (head === '*') return Array.isArray(value) ? value.map((v) => updateAt(v, rest, fn)) : value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, Json>;
  if (!(head in record)) return value;
  return { ...record, [head]: updateAt(record[head], rest, fn) };
}

/** Decrypts every sealed string anywhere under `value`; untouched values are returned as is. */
function openAll(value: Json, fn: (s: string) => string): Json {
  if (typeof value === 'string') return value.startsWith(SEALED) ? fn(value) : value;
  if (Array.isArray(value)) {
    let out: Json[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = openAll(value[i], fn);
      if (v !== value[i]) (out ??= [...value])[i] = v;
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, Json> | null = null;
    for (const [k, v] of Object.entries(value)) {
      const opened = openAll(v, fn);
      if (opened !== v) (out ??= { ...(value as Record<string, Json>) })[k] = opened;
    }
    return out ?? value;
  }
  return value;
}

/**
 * Encrypts the personal fields the catalogue declares (`personalFields`) with each person's key
 * on append, and decrypts any sealed value on read; a destroyed key reads `erased-<personId>`.
 */
export class PersonalDataEncryption implements PersonalDataCipher {
  private readonly declared: ReadonlyMap<string, readonly PersonalFields[]>;
  private readonly opened = new Map<string, string>();
  private openedGeneration = -1;

  constructor(
    readonly keys: PersonKeyStore,
    catalogue: Readonly<Record<string, CatalogueEntry>> = EVENT_CATALOGUE,
  ) {
    this.declared = new Map(
      Object.entries(catalogue)
        .filter(([, e]) => e.personalFields && e.personalFields.length > 0)
        .map(([type, e]) => [type, e.personalFields as readonly PersonalFields[]]),
    );
  }

  seal(stream: string, event: NewEvent): NewEvent {
    const groups = this.declared.get(event.type);
    if (!groups || event.data === null || typeof event.data !== 'object') return event;
    // Every event carries its workspace (the store refuses one without, and always has): a
    // person is a person of that workspace, so the same email elsewhere is sealed with another
    // key. A row without one (the migration reads raw rows) must not become a shared person.
    const workspaceId = event.metadata?.workspaceId;
    if (typeof workspaceId !== 'string' || workspaceId === '')
      throw new Error(
        `event ${event.type}: metadata.workspaceId is required to seal personal data`,
      );
    let data: Json = event.data;
    for (const group of groups) data = this.sealGroup(workspaceId, stream, data, group);
    return data === event.data ? event : { ...event, data };
  }

  /** Seals a batch of events with one transaction of the key file. */
  batch<T>(fn: () => T): T {
    return this.keys.batch(fn);
  }

  open<E extends RecordedEvent>(event: E): E {
    if (!this.declared.has(event.type)) return event;
    this.keys.refresh();
    if (this.openedGeneration !== this.keys.generation) {
      // A key may be gone: nothing it decrypted may be served again.
      this.opened.clear();
      this.openedGeneration = this.keys.generation;
    }
    const data = openAll(event.data, (s) => this.openCached(s));
    return data === event.data ? event : { ...event, data };
  }

  close(): void {
    this.keys.close();
  }

  private sealGroup(workspaceId: string, stream: string, data: Json, group: PersonalFields): Json {
    if (group.each !== undefined) {
      const path = segments(group.each);
      const [list] = valuesAt(data, path);
      if (!Array.isArray(list)) return data;
      const sealed = list.map((item: Json) =>
        this.sealItem(workspaceId, stream, data, item, group),
      );
      return replaceAt(data, path, sealed);
    }
    return this.sealItem(workspaceId, stream, data, data, group);
  }

  /** One person's fields inside `item` (the data itself, or one item of an `each` list). */
  private sealItem(
    workspaceId: string,
    stream: string,
    data: Json,
    item: Json,
    group: PersonalFields,
  ): Json {
    const owners = this.ownersOf(workspaceId, stream, data, item, group);
    if (owners.length === 0) return item;
    const seal = (s: string): string => (s.startsWith(SEALED) ? s : this.sealValue(owners, s));
    let out = item;
    for (const field of group.fields) out = updateAt(out, segments(field), seal);
    return out;
  }

  private ownersOf(
    workspaceId: string,
    stream: string,
    data: Json,
    item: Json,
    group: PersonalFields,
  ): string[] {
    if (group.memberStreams !== undefined) {
      const ids = valuesAt(data, segments(group.memberStreams)).flat();
      const owners = new Set<string>();
      for (const id of ids) {
        if (typeof id !== 'string') continue;
        const person = this.keys.personOfStream(workspaceId, `member-${id}`, null);
        if (person) owners.add(person);
      }
      return [...owners].sort();
    }
    const aliasIds: string[] = [];
    for (const path of group.emails ?? []) {
      for (const v of valuesAt(item, segments(path))) {
        if (typeof v === 'string' && EMAIL.test(v.trim()))
          aliasIds.push(this.keys.personIdOf(workspaceId, v));
      }
    }
    let owner: string;
    if (group.streamIsPerson) {
      owner = this.keys.personOfStream(
        workspaceId,
        stream,
        aliasIds[0] ?? this.keys.streamPersonId(workspaceId, stream),
      ) as string;
    } else {
      // No email and no person stream: the stream itself is who the fields belong to.
      owner = aliasIds[0] ?? this.keys.streamPersonId(workspaceId, stream);
    }
    for (const alias of aliasIds) this.keys.link(alias, owner);
    return [owner];
  }

  private sealValue(owners: readonly string[], plaintext: string): string {
    const bytes = Buffer.from(plaintext, 'utf8');
    if (owners.length === 1) {
      const [owner] = owners;
      const key = this.keys.keyFor(owner);
      if (!key) return erasedLabel(owner);
      return `${ONE}${owner}.${encrypt(key, owner, bytes).toString('base64')}`;
    }
    const dataKey = randomBytes(32);
    const shares: string[] = [];
    const rest = Buffer.from(dataKey);
    for (let i = 0; i < owners.length; i++) {
      const key = this.keys.keyFor(owners[i]);
      if (!key) return erasedLabel(owners[i]);
      const share = i === owners.length - 1 ? Buffer.from(rest) : randomBytes(32);
      if (i < owners.length - 1) for (let b = 0; b < 32; b++) rest[b] ^= share[b];
      shares.push(encrypt(key, owners[i], share).toString('base64'));
    }
    const body = encrypt(dataKey, owners.join(','), bytes).toString('base64');
    return `${MANY}${owners.join(',')}.${shares.join(',')}.${body}`;
  }

  private openCached(sealed: string): string {
    const hit = this.opened.get(sealed);
    if (hit !== undefined) return hit;
    const value = this.openValue(sealed);
    if (this.opened.size >= OPENED_CACHE) this.opened.clear();
    this.opened.set(sealed, value);
    return value;
  }

  private openValue(sealed: string): string {
    if (sealed.startsWith(ONE)) {
      const dot = sealed.indexOf('.', ONE.length);
      const owner = sealed.slice(ONE.length, dot);
      const key = this.keys.existingKey(owner);
      if (!key) return erasedLabel(owner);
      return decrypt(key, owner, Buffer.from(sealed.slice(dot + 1), 'base64')).toString('utf8');
    }
    if (sealed.startsWith(MANY)) {
      const [ownerList, shareList, body] = sealed.slice(MANY.length).split('.');
      const owners = ownerList.split(',');
      const shares = shareList.split(',');
      const dataKey = Buffer.alloc(32);
      for (let i = 0; i < owners.length; i++) {
        const key = this.keys.existingKey(owners[i]);
        if (!key) return erasedLabel(owners[i]);
        const share = decrypt(key, owners[i], Buffer.from(shares[i], 'base64'));
        for (let b = 0; b < 32; b++) dataKey[b] ^= share[b];
      }
      return decrypt(dataKey, ownerList, Buffer.from(body, 'base64')).toString('utf8');
    }
    return sealed;
  }
}

function replaceAt(value: Json, path: readonly string[], replacement: Json): Json {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, Json>;
  return { ...record, [head]: replaceAt(record[head], rest, replacement) };
}
