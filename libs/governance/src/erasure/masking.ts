import type { ErasedPerson } from './scrubber';

/** What stands where an erased person was, in every copy: `erased-<personId>`. */
export const erasedToken = (personId: string): string => `erased-${personId}`;

/** Any erased person's token, as the core writes it in regenerated content. */
export const ERASED_TOKEN = /erased-[0-9A-Za-z][0-9A-Za-z_-]*/g;

export const hasErasedToken = (text: string): boolean => new RegExp(ERASED_TOKEN).test(text);

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const htmlEscaped = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/**
 * The spellings under which the person may sit in a file: as typed, HTML-escaped (pages,
 * traces), URL-encoded (links, request logs) and JSON-escaped; names shorter than three
 * characters are left out (they would match inside unrelated words).
 */
export function spellingsOf(person: ErasedPerson): string[] {
  const plain = [person.email, ...person.names].map((s) => s.trim()).filter((s) => s.length >= 3);
  const out = new Set<string>();
  for (const s of plain) {
    out.add(s);
    out.add(htmlEscaped(s));
    out.add(encodeURIComponent(s));
    out.add(JSON.stringify(s).slice(1, -1));
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Case aside, as emails and names are compared elsewhere. */
export function personPattern(person: ErasedPerson): RegExp | null {
  const spellings = spellingsOf(person);
  if (spellings.length === 0) return null;
  return new RegExp(spellings.map(escapeRegExp).join('|'), 'gi');
}

/** Whether the text still holds the person in clear (any spelling). */
export function holdsPerson(text: string, person: ErasedPerson): boolean {
  const pattern = personPattern(person);
  return pattern !== null && pattern.test(text);
}

/** Whether the text holds the person in clear or their token (content regenerated since). */
export function mentions(text: string, person: ErasedPerson): boolean {
  return text.includes(erasedToken(person.personId)) || holdsPerson(text, person);
}

/** The text with every spelling of the person replaced by their token. */
export function maskText(text: string, person: ErasedPerson): string {
  const pattern = personPattern(person);
  return pattern === null ? text : text.replace(pattern, erasedToken(person.personId));
}

/** A JSON value with every string masked (keys are never personal). */
export function maskValue<T>(value: T, person: ErasedPerson): T {
  if (typeof value === 'string') return maskText(value, person) as T;
  if (Array.isArray(value)) return value.map((v) => maskValue(v, person) as unknown) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskValue(v, person);
    return out as T;
  }
  return value;
}

/**
 * A line (or string) holding erased tokens as a pattern: each token stands for whatever the
 * other copy held there (the person, before erasure), everything else must be equal.
 */
function maskedPattern(withTokens: string): RegExp {
  const parts = withTokens.split(new RegExp(ERASED_TOKEN));
  return new RegExp(`^${parts.map(escapeRegExp).join('[^\\n]*?')}$`, 's');
}

/** Two strings equal once the erased fields (tokens on either side) are masked. */
export function stringsMatchMasked(a: string, b: string): boolean {
  if (a === b) return true;
  if (hasErasedToken(a) && maskedPattern(a).test(b)) return true;
  return hasErasedToken(b) && maskedPattern(b).test(a);
}

export interface MaskedComparison {
  equal: boolean;
  /** Values that differ only where one side shows an erased person. */
  maskedFields: number;
}

/**
 * Deep equality of two JSON values where a string holding an erased token matches whatever
 * the other side holds at that place (a string the token pattern fits, or a null/number a
 * whole-field token replaced).
 */
export function compareMasked(a: unknown, b: unknown): MaskedComparison {
  let maskedFields = 0;
  const walk = (x: unknown, y: unknown): boolean => {
    if (typeof x === 'string' && typeof y === 'string') {
      if (x === y) return true;
      if (!stringsMatchMasked(x, y)) return false;
      maskedFields += 1;
      return true;
    }
    if (typeof x === 'string' || typeof y === 'string') {
      const s = (typeof x === 'string' ? x : y) as string;
      const other = typeof x === 'string' ? y : x;
      const whole = new RegExp(`^${ERASED_TOKEN.source}$`);
      if (whole.test(s) && (other === null || typeof other !== 'object')) {
        maskedFields += 1;
        return true;
      }
      return false;
    }
    if (Array.isArray(x) || Array.isArray(y)) {
      if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
      return x.every((v, i) => walk(v, y[i]));
    }
    if (x !== null && y !== null && typeof x === 'object' && typeof y === 'object') {
      const kx = Object.keys(x).filter((k) => (x as Record<string, unknown>)[k] !== undefined);
      const ky = Object.keys(y).filter((k) => (y as Record<string, unknown>)[k] !== undefined);
      if (kx.length !== ky.length) return false;
      return kx.every(
        (k) => k in y && walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]),
      );
    }
    return x === y;
  };
  const equal = walk(a, b);
  return { equal, maskedFields: equal ? maskedFields : 0 };
}

export interface MaskedLines {
  /** Byte for byte. */
  identical: boolean;
  /** Equal once the erased fields are masked (true when identical). */
  equal: boolean;
  /** Lines that differ only where the recomputed copy shows an erased person. */
  maskedLines: number;
  /** The erased people the recomputed copy shows. */
  erased: string[];
  /** 1-based number of the first line that differs otherwise (null when equal). */
  firstDifferentLine: number | null;
}

/**
 * A file compared line by line with its recomputation: a line differs only "erased" when
 * the recomputed line, with its tokens as wildcards, fits the given line.
 */
export function compareLinesMasked(recomputed: string, given: string): MaskedLines {
  const erased = [...new Set(recomputed.match(ERASED_TOKEN) ?? [])].sort();
  if (recomputed === given)
    return { identical: true, equal: true, maskedLines: 0, erased, firstDifferentLine: null };
  const r = recomputed.split('\n');
  const g = given.split('\n');
  let maskedLines = 0;
  let firstDifferentLine: number | null = null;
  for (let i = 0; i < Math.max(r.length, g.length); i++) {
    const a = r[i];
    const b = g[i];
    if (a === b) continue;
    if (a !== undefined && b !== undefined && hasErasedToken(a) && maskedPattern(a).test(b)) {
      maskedLines += 1;
      continue;
    }
    firstDifferentLine = i + 1;
    break;
  }
  if (firstDifferentLine === null)
    return { identical: false, equal: true, maskedLines, erased, firstDifferentLine };
  // Rows sorted by a name or an email move once it is masked: the same rows in another order.
  const reordered = r.length === g.length ? matchUnordered(r, g) : null;
  if (reordered !== null)
    return {
      identical: false,
      equal: true,
      maskedLines: reordered,
      erased,
      firstDifferentLine: null,
    };
  return { identical: false, equal: false, maskedLines, erased, firstDifferentLine };
}

/** Lines paired as a multiset: equal ones first, then each masked line with one it fits. */
function matchUnordered(recomputed: string[], given: string[]): number | null {
  const left = new Map<string, number>();
  for (const line of given) left.set(line, (left.get(line) ?? 0) + 1);
  const masked: string[] = [];
  for (const line of recomputed) {
    const n = left.get(line) ?? 0;
    if (n > 0) left.set(line, n - 1);
    else if (hasErasedToken(line)) masked.push(line);
    else return null;
  }
  const rest = [...left].flatMap(([line, n]) => Array<string>(n).fill(line));
  for (const line of masked) {
    const pattern = maskedPattern(line);
    const at = rest.findIndex((candidate) => pattern.test(candidate));
    if (at < 0) return null;
    rest.splice(at, 1);
  }
  return masked.length;
}
