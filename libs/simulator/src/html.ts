/** Markup that is already safe; everything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** The literal parts of each template with runs of whitespace cut to one space, per call site. */
const collapsed = new WeakMap<TemplateStringsArray, readonly string[]>();

/**
 * Tagged template: interpolations are escaped unless they are SafeHtml (or arrays of it).
 * Whitespace in the literal parts is collapsed (the formatter indents these templates, and a
 * 100-row table would carry that indentation a hundred times); interpolated text is kept.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let parts = collapsed.get(strings);
  if (!parts) {
    parts = strings.map((s) => s.replace(/\s+/g, ' '));
    collapsed.set(strings, parts);
  }
  let out = parts[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (parts[i + 1] ?? '');
  return new SafeHtml(out);
}

export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

// Built once: toLocaleDateString with options builds a formatter per call, which dominated
// the rendering of a 100-row Employees page.
const DATE_FORMAT = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

export function formatDate(iso: string): string {
  return DATE_FORMAT.format(new Date(iso));
}
