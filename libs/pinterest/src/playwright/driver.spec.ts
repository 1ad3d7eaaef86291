import { errors as playwrightErrors } from 'playwright';

import {
  AssetNotFound,
  BusinessNotFound,
  MemberNotFound,
  PermissionDenied,
  RateLimited,
  Transient,
  UnexpectedPage,
} from '../errors';
import { classify, normalizeError, SessionExpired, type Expectation } from './driver';
import type { PageReading } from './read-page';

describe('classify: the page a step landed on, as a typed error', () => {
  const reading = (h1: string, path = '/business/business-access/7/employees'): PageReading => ({
    url: `http://sim${path}`,
    title: h1,
    h1,
    alerts: [],
    statuses: [],
    notes: [],
    openDialogs: [],
    tables: {},
    links: {},
    fields: {},
    texts: {},
  });
  const expected: Expectation = {
    description: 'the Employees page',
    businessId: '7',
    memberId: '42',
    assetId: '9',
    is: () => false,
  };
  const of = (h1: string, status = 200, path?: string): Error =>
    classify({ reading: reading(h1, path), status }, expected);

  it.each([
    ['Log in', 200, '/login', SessionExpired],
    ['Something went wrong', 503, undefined, Transient],
    ['Anything', 502, undefined, Transient],
    ["You don't have permission", 403, undefined, PermissionDenied],
    ["We couldn't find that business", 404, undefined, BusinessNotFound],
    ["This person isn't part of your business", 404, undefined, MemberNotFound],
    ["We couldn't find that asset", 404, undefined, AssetNotFound],
    ['Too many requests', 429, undefined, RateLimited],
    ['A page nobody expected', 200, undefined, UnexpectedPage],
  ])('"%s" (%i) is %p', (h1, status, path, type) => {
    expect(of(h1, status, path)).toBeInstanceOf(type);
  });

  it('carries what it knows into the error', () => {
    expect(of("This person isn't part of your business")).toMatchObject({
      businessId: '7',
      memberId: '42',
    });
    expect(of('A page nobody expected')).toMatchObject({
      url: 'http://sim/business/business-access/7/employees',
      expected: 'the Employees page',
      actual: 'A page nobody expected',
    });
  });

  it("turns Playwright's time-outs and dropped connections into Transient, and nothing else", () => {
    expect(
      normalizeError(new playwrightErrors.TimeoutError('Timeout 15000ms exceeded')),
    ).toBeInstanceOf(Transient);
    expect(
      normalizeError(new Error('page.goto: net::ERR_CONNECTION_REFUSED at http://x')),
    ).toBeInstanceOf(Transient);
    const other = new Error('strict mode violation');
    expect(normalizeError(other)).toBe(other);
  });
});
