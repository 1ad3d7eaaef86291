import { summarize } from './audit-summary';

const ctx = {
  actor: 'pinterest',
  subjectName: 'Ann Lee',
  assetName: (id: string) => (id === '5001' ? 'NW Performance EU' : `asset ${id}`),
};

describe('history summaries', () => {
  it('given a permission taken on Pinterest, then one sentence names who, what and where', () => {
    expect(
      summarize(
        'MemberAssetPermissionsChanged',
        { assetId: '5001', from: ['ADMIN', 'ANALYST'], to: ['ANALYST'] },
        ctx,
      ),
    ).toBe('Pinterest (observed by a check) removed ADMIN on NW Performance EU for Ann Lee');
  });

  it("given an admin key's removal, then the key is named", () => {
    expect(
      summarize(
        'MemberRemoved',
        { outcome: 'removed', revokedAssets: { '5001': ['ADMIN'] } },
        { ...ctx, actor: 'ops' },
      ),
    ).toBe("admin key 'ops' removed Ann Lee from the business (ADMIN on NW Performance EU ended)");
  });

  it('given an event type added later (a leaver), then its name still makes a sentence', () => {
    expect(summarize('MemberBecameLeaver', { identityId: 'x' }, { ...ctx, actor: 'system' })).toBe(
      'the service recorded "member became leaver" for Ann Lee',
    );
  });
});
