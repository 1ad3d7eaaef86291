/**
 * Characters a label or a name must not hold: C0 and C1 controls (and DEL), and the
 * bidirectional marks, embeddings, overrides and isolates (U+200E/F, U+202A–U+202E,
 * U+2066–U+2069, U+061C). A label that reorders how the text around it is shown can make a
 * history or a report read differently from what it records.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;

export function hasUnsafeCharacters(value: string): boolean {
  return UNSAFE_TEXT.test(value);
}

export const UNSAFE_TEXT_MESSAGE = 'must not contain control or bidirectional-override characters';
