import {
  compareLinesMasked,
  compareMasked,
  erasedToken,
  maskText,
  maskValue,
  mentions,
} from './masking';
import type { ErasedPerson } from './scrubber';

const ann: ErasedPerson = {
  workspaceId: 'w1',
  personId: 'p-1',
  email: 'ann.lee@acme.example',
  names: ["Ann O'Lee"],
};

describe('masking an erased person', () => {
  it('given a text holding the person in any spelling, then it is found and masked', () => {
    const text =
      'to ANN.LEE@Acme.Example, <td>Ann O&#39;Lee</td> ?q=ann.lee%40acme.example "Ann O\'Lee"';
    expect(mentions(text, ann)).toBe(true);
    const masked = maskText(text, ann);
    expect(masked).not.toMatch(/ann|lee/i);
    expect(masked.split(erasedToken('p-1')).length - 1).toBe(4);
  });

  it('given a text about someone else, then it is not the person', () => {
    expect(mentions('bob@acme.example, Bob Stone, Annual report', ann)).toBe(false);
  });

  it('given a JSON value, then every string is masked and keys are kept', () => {
    expect(
      maskValue({ email: 'ann.lee@acme.example', n: 3, list: ["Ann O'Lee", 'x'] }, ann),
    ).toEqual({ email: 'erased-p-1', n: 3, list: ['erased-p-1', 'x'] });
  });

  it('given recorded and replayed events differing only where one side shows the token, then they are equal masked', () => {
    const recorded = { type: 'MemberDiscovered', data: { name: 'Ann Lee', email: 'a@x', id: '1' } };
    const replayed = {
      type: 'MemberDiscovered',
      data: { name: 'erased-p-1', email: 'erased-p-1', id: '1' },
    };
    expect(compareMasked(recorded, replayed)).toEqual({ equal: true, maskedFields: 2 });
    // a difference outside the erased fields is still a difference
    expect(
      compareMasked(recorded, { ...replayed, data: { ...replayed.data, id: '2' } }).equal,
    ).toBe(false);
  });

  it('given an export file and its recomputation after erasure, then only the masked fields differ', () => {
    const given = '# {"h":1}\n"1","Ann Lee","ann@x","ADMIN"\n"2","Bob","bob@x","ANALYST"\n';
    const recomputed =
      '# {"h":1}\n"1","erased-p-1","erased-p-1","ADMIN"\n"2","Bob","bob@x","ANALYST"\n';
    expect(compareLinesMasked(recomputed, given)).toMatchObject({
      identical: false,
      equal: true,
      maskedLines: 1,
      erased: ['erased-p-1'],
    });
    // a tampered permission on the erased row is not hidden by the mask
    const tampered = given.replace('"ADMIN"', '"ANALYST"');
    expect(compareLinesMasked(recomputed, tampered)).toMatchObject({
      equal: false,
      firstDifferentLine: 2,
    });
    // rows sorted by name move once masked: the same rows in another order still verify
    const sorted =
      '# {"h":1}\n"2","Bob","bob@x","ANALYST"\n"1","erased-p-1","erased-p-1","ADMIN"\n';
    expect(compareLinesMasked(sorted, given)).toMatchObject({ equal: true, maskedLines: 1 });
  });
});
