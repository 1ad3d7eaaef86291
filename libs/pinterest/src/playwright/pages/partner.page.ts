import { UnexpectedPage } from '../../errors';
import type { AssetPermission, SnapshotPartnerPerson } from '../../types';
import type { PageDriver } from '../driver';
import type { PartnerRow } from './partners.page';
import { parsePermissions } from './site';

export const PARTNER_SELECTORS = {
  businessId: 'Business ID',
  sharedTable: 'Shared assets',
  sharedColumns: { id: 'Asset ID', permissions: 'Permissions' },
  peopleTable: 'People',
  peopleColumns: { name: 'Name', email: 'Email', id: 'User ID' },
} as const;

const S = PARTNER_SELECTORS;

export interface PartnerDetails {
  shared: { assetId: string; permissions: AssetPermission[] }[];
  people: SnapshotPartnerPerson[] | null;
}

/** One partner: the assets it can reach, and its people when our account can see them. */
export class PartnerPage {
  constructor(private readonly driver: PageDriver) {}

  /**
   * What the partner can reach, and its people (null when they are not visible from this
   * business: only a monitor account inside the partner's Business Manager sees them).
   */
  async details(businessId: string, partner: PartnerRow): Promise<PartnerDetails> {
    const reading = await this.driver.open(partner.url, {
      description: `the page of partner ${partner.id} in business ${businessId}`,
      businessId,
      spec: { tables: [S.peopleTable, S.sharedTable] },
      is: (r) => r.fields[S.businessId] === partner.id && r.tables[S.sharedTable] !== null,
    });
    const sc = S.sharedColumns;
    const shared = (reading.tables[S.sharedTable] ?? []).map((row) => {
      const assetId = row[sc.id]?.text;
      if (!assetId) throw new UnexpectedPage(reading.url, 'the Shared assets table columns');
      return {
        assetId,
        permissions: parsePermissions(row[sc.permissions]?.text ?? '', reading.url),
      };
    });
    const rows = reading.tables[S.peopleTable];
    const c = S.peopleColumns;
    const people =
      rows === null || rows === undefined
        ? null
        : rows.map((row) => ({
            id: row[c.id]?.text ?? '',
            name: row[c.name]?.text ?? '',
            email: row[c.email]?.text ?? '',
          }));
    return { shared, people };
  }
}
