import { evidenceContentType, evidenceEntries } from './task-evidence';

describe('task evidence names', () => {
  it('given two attempts that each kept a screenshot, when listed, then each has its own name without a path', () => {
    const entries = evidenceEntries([
      '/data/evidence/2026-12-06T10-00-00-000Z-snapshot-aa11bb/screenshot.png',
      '/data/evidence/2026-12-06T10-00-00-000Z-snapshot-aa11bb/trace.zip',
      '/data/evidence/2026-12-06T10-00-05-000Z-snapshot-cc22dd/screenshot.png',
    ]);
    expect(entries.map((e) => e.name)).toEqual([
      '2026-12-06T10-00-00-000Z-snapshot-aa11bb-screenshot.png',
      '2026-12-06T10-00-00-000Z-snapshot-aa11bb-trace.zip',
      '2026-12-06T10-00-05-000Z-snapshot-cc22dd-screenshot.png',
    ]);
    expect(entries.every((e) => !e.name.includes('/'))).toBe(true);
  });

  it('given the same path recorded by a retry and by the final failure, when listed, then it appears once', () => {
    const path = '/data/evidence/f1/page.html';
    expect(evidenceEntries([path, path])).toHaveLength(1);
  });

  it('given each kind of file, when typed, then the content type follows the extension', () => {
    expect(evidenceContentType('a/screenshot.png')).toBe('image/png');
    expect(evidenceContentType('a/trace.zip')).toBe('application/zip');
    expect(evidenceContentType('a/page.html')).toBe('text/html; charset=utf-8');
    expect(evidenceContentType('a/blob')).toBe('application/octet-stream');
  });
});
