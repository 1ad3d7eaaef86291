import { canonicalJson, csvCell, encodeExport, parseHeader } from './export-encoding';

describe('evidence export encoding', () => {
  it('given objects with keys in any order, then canonical JSON spells them one way', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'x' }], c: true } })).toBe(
      '{"a":{"c":true,"d":[2,{"e":"x","f":null}]},"b":1}',
    );
  });

  it.each([
    ['=SUM(A1)', `"'=SUM(A1)"`],
    ['+1', `"'+1"`],
    ['-1', `"'-1"`],
    ['@cmd', `"'@cmd"`],
    ['\tx', `"'\tx"`],
    ['\rx', `"'\rx"`],
    ['say "hi"', '"say ""hi"""'],
    ['plain', '"plain"'],
  ])('given the cell %p, then it is quoted and defused as %p', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('given a header and rows, then the file starts with the header and ends with LF', () => {
    const header = {
      kind: 'access_at',
      params: { integrationId: 'i' },
      format: 'csv' as const,
      formatVersion: 1,
      position: '7',
      workspaceId: 'default',
    };
    const bytes = encodeExport(
      header,
      ['name', 'permissions'],
      [{ name: 'Ann', permissions: ['ADMIN'] }],
    );
    expect(bytes.toString('utf8')).toBe(
      '# {"evidenceExport":{"format":"csv","formatVersion":1,"kind":"access_at","params":{"integrationId":"i"},"position":"7","workspaceId":"default"}}\n' +
        '"name","permissions"\n"Ann","[""ADMIN""]"\n',
    );
    expect(parseHeader(bytes)).toEqual(header);
  });
});
