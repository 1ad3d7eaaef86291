import { UnexpectedPage } from '../../errors';
import type { AssetPermission, SnapshotPartnerPerson } from '../../types';
import type { PageDriver } from '../driver';
import { parsePermissions, SITE } from './site';

export const PARTNERS_SELECTORS = {
  path: (businessId: string): string => SITE.businessPath(businessId, 'partners'),
  heading: 'Partners',
  table: 'Partners',
  columns: { name: 'Name', id: 'Business ID', shared: 'Shared assets', people: 'People' },
  /** On a partner's page. */
  businessId: 'Business ID',
  sharedTable: 'Shared assets',
  sharedColumns: { id: 'Asset ID', permissions: 'Permissions' },
  peopleTable: 'People',
  peopleColumns: { name: 'Name', email: 'Email', id: 'User ID' },
} as const;

const S = PARTNERS_SELECTORS;

export interface PartnerDetails {
  shared: { assetId: string; permissions: AssetPermission[] }[];
  people: SnapshotPartnerPerson[] | null;
}

export interface PartnerRow {
  id: string;
  name: string;
  url: string;
  sharedAssets: number;
}

/** Partners list and each partner's page (their people, when our account can see them). */
export class PartnersPage {
  constructor(private readonly driver: PageDriver) {}

  async list(businessId: string): Promise<PartnerRow[]> {
    const reading = await this.driver.open(S.path(businessId), {
      description: `the Partners page of business ${businessId}`,
      businessId,
      spec: { tables: [S.table] },
      is: (r) => r.h1 === S.heading && r.tables[S.table] !== null,
    });
    const c = S.columns;
    return (reading.tables[S.table] ?? []).map((row) => {
      const name = row[c.name];
      const id = row[c.id]?.text;
      if (!name?.href || !id) throw new UnexpectedPage(reading.url, 'the Partners table columns');
      return {
        id,
        name: name.text,
        url: name.href,
        sharedAssets: Number(row[c.shared]?.text ?? NaN),
      };
    });
  }

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
