import { UnexpectedPage } from '../../errors';
import type { AssetPermission } from '../../types';
import type { PageDriver } from '../driver';
import { idFromHref, parsePermissions } from './site';

export const ASSET_SELECTORS = {
  peopleTable: 'People',
  peopleColumns: { name: 'Name', email: 'Email', permissions: 'Permissions' },
  partnersTable: 'Partners',
  partnerColumns: { name: 'Name', id: 'Business ID', permissions: 'Permissions' },
} as const;

const S = ASSET_SELECTORS;

export interface AssetAccess {
  people: { memberId: string; email: string; permissions: AssetPermission[] }[];
  partners: { partnerId: string; name: string; permissions: AssetPermission[] }[];
}

/** One ad account, profile or catalog: the people and partners with access. */
export class AssetPage {
  constructor(private readonly driver: PageDriver) {}

  async read(businessId: string, assetId: string, url: string): Promise<AssetAccess> {
    const reading = await this.driver.open(url, {
      description: `the page of asset ${assetId} in business ${businessId}`,
      businessId,
      assetId,
      spec: { tables: [S.peopleTable, S.partnersTable] },
      is: (r) => Object.values(r.fields).includes(assetId) && r.tables[S.peopleTable] !== null,
    });
    const at = reading.url;
    const pc = S.peopleColumns;
    const people = (reading.tables[S.peopleTable] ?? []).map((row) => {
      const name = row[pc.name];
      if (!name) throw new UnexpectedPage(at, 'the People table columns');
      return {
        memberId: idFromHref(name.href, at, 'a person'),
        email: row[pc.email]?.text ?? '',
        permissions: parsePermissions(row[pc.permissions]?.text ?? '', at),
      };
    });
    const xc = S.partnerColumns;
    const partners = (reading.tables[S.partnersTable] ?? []).map((row) => {
      const partnerId = row[xc.id]?.text;
      if (!partnerId) throw new UnexpectedPage(at, 'the Partners table columns');
      return {
        partnerId,
        name: row[xc.name]?.text ?? '',
        permissions: parsePermissions(row[xc.permissions]?.text ?? '', at),
      };
    });
    return { people, partners };
  }
}
