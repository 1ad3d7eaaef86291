import { validateFixture } from './fixture-validation';
import { DEFAULT_GENERATED_MANAGER, generateBusiness } from './generator';

describe('generateBusiness', () => {
  const request = {
    businessId: '111122223333444455',
    members: 500,
    adAccounts: 20,
    grantsPerMember: 2,
    partners: 4,
    seed: 7,
  };

  it('is the same for the same seed and different for another', () => {
    // when generating twice with one seed and once with another
    const a = generateBusiness(request);
    const b = generateBusiness(request);
    const c = generateBusiness({ ...request, seed: 8 });

    // then the first two are identical and the third is not
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it('builds the requested sizes, a valid fixture, and a Manager login listed first', () => {
    // when generating
    const business = generateBusiness(request);

    // then the counts match the request (plus the automation account)
    expect(business.members).toHaveLength(501);
    expect(business.assets?.filter((a) => a.type === 'AD_ACCOUNT')).toHaveLength(20);
    expect(business.grants).toHaveLength(500 * 2);
    expect(business.partners).toHaveLength(4);
    // and it passes the same validation as a hand-written fixture
    expect(() => validateFixture({ businesses: [business] })).not.toThrow();
    // and the login account is a Manager with the default password, first by date added
    expect(business.members[0]).toMatchObject({
      email: DEFAULT_GENERATED_MANAGER.email,
      role: 'MANAGER',
      password: DEFAULT_GENERATED_MANAGER.password,
    });
    expect(new Set(business.members.map((m) => m.email)).size).toBe(501);
  });
});
