import { createHash } from 'node:crypto';
import type { Document, ReadModelStore } from '@app/readmodels';

/** JSON with object keys sorted, so that equal documents print equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
          a < b ? -1 : a > b ? 1 : 0,
        ),
      );
    }
    return v;
  });
}

export interface CollectionDigest {
  collection: string;
  count: number;
  sha256: string;
}

export async function digestCollection(
  store: ReadModelStore,
  name: string,
): Promise<CollectionDigest> {
  const hash = createHash('sha256');
  let count = 0;
  for await (const doc of store.collection<Document>(name).scan()) {
    hash.update(canonicalJson(doc));
    hash.update('\n');
    count += 1;
  }
  return { collection: name, count, sha256: hash.digest('hex') };
}
