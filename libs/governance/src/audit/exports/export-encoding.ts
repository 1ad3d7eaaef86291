/**
 * The evidence exports' encoding, version EXPORT_FORMAT_VERSION. Bump it (and keep the old
 * encoder) for any change of bytes: an export handed to an auditor must still verify after an
 * upgrade of the product.
 */

export const EXPORT_FORMAT_VERSION = 2;
/** Versions still recomputed (and so verified): 1 lacks the actor's key and person. */
export const EXPORT_FORMAT_VERSIONS: readonly number[] = [1, 2];

export type ExportFormat = 'ndjson' | 'csv';

export interface ExportHeader {
  kind: string;
  params: Record<string, string>;
  format: ExportFormat;
  formatVersion: number;
  /** The log position the export was computed at (null: before the first event). */
  position: string | null;
  workspaceId: string;
}

type Value = unknown;

/** JSON with every object's keys in code-point order, no spaces: one spelling per value. */
export function canonicalJson(value: Value): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, Value>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

/** Cells a spreadsheet would run as a formula start with one of these. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell: every cell quoted (RFC 4180, quotes doubled), objects and arrays as canonical
 * JSON, and a text that a spreadsheet would take for a formula prefixed with `'`.
 */
export function csvCell(value: Value): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'object') text = canonicalJson(value);
  else text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function headerLine(header: ExportHeader): string {
  const json = canonicalJson({ evidenceExport: header });
  return header.format === 'csv' ? `# ${json}` : json;
}

/** The header of an export file, or null when its first line is not one. */
export function parseHeader(bytes: Buffer): ExportHeader | null {
  const end = bytes.indexOf(0x0a);
  let line = bytes.subarray(0, end === -1 ? bytes.length : end).toString('utf8');
  if (line.startsWith('# ')) line = line.slice(2);
  try {
    const parsed = JSON.parse(line) as { evidenceExport?: ExportHeader };
    const h = parsed.evidenceExport;
    if (!h || typeof h.kind !== 'string' || (h.format !== 'csv' && h.format !== 'ndjson'))
      return null;
    return h;
  } catch {
    return null;
  }
}

/** The whole file: header line, then (CSV) the column names, then one line per row; LF ends. */
export function encodeExport(
  header: ExportHeader,
  columns: readonly string[],
  rows: readonly Record<string, Value>[],
): Buffer {
  const lines = [headerLine(header)];
  if (header.format === 'csv') {
    lines.push(columns.map(csvCell).join(','));
    for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  } else {
    for (const row of rows) {
      const picked: Record<string, Value> = {};
      for (const c of columns) picked[c] = row[c] ?? null;
      lines.push(canonicalJson(picked));
    }
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}
