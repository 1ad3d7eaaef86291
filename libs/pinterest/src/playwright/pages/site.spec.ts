import { UnexpectedPage } from '../../errors';
import {
  idFromHref,
  parsePermissions,
  parseRange,
  parseRole,
  parseTotal,
  rowsInRange,
} from './site';

describe('site words', () => {
  const url = 'http://sim/business/business-access/1/employees';

  it('reads permission labels as the API names them, in any order Pinterest shows', () => {
    expect(parsePermissions('Campaign, Admin, Publisher', url)).toEqual([
      'CAMPAIGN_MANAGER',
      'ADMIN',
      'PROFILE_PUBLISHER',
    ]);
    expect(parsePermissions('  ', url)).toEqual([]);
  });

  it('calls an unknown label an UnexpectedPage, naming what was found', () => {
    // when Pinterest shows a permission the adapter does not know
    const read = (): unknown => parsePermissions('Admin, Wizard', url);

    // then the site has changed, and the error says where and what
    expect(read).toThrow(UnexpectedPage);
    expect(read).toThrow(/found "Wizard"/);
    expect(() => parseRole('Owner', url)).toThrow(UnexpectedPage);
  });

  it('takes ids from links and totals from the range text', () => {
    expect(
      idFromHref('http://sim/business/business-access/1/employees/5001', url, 'a person'),
    ).toBe('5001');
    expect(() => idFromHref(null, url, 'a person')).toThrow(UnexpectedPage);
    expect(parseTotal('Showing 101–200 of 10,001 people')).toBe(10001);
    expect(parseTotal('no count here')).toBeNull();
  });

  it('reads the rows a page states from its range text, to compare with the rows it lists', () => {
    const range = parseRange('Showing 101–200 of 10,001 people');
    expect(range).toEqual({ first: 101, last: 200, total: 10001 });
    expect(rowsInRange(range!)).toBe(100);
    expect(rowsInRange(parseRange('Showing 0–0 of 0 people')!)).toBe(0);
    expect(parseRange('no count here')).toBeNull();
  });
});
