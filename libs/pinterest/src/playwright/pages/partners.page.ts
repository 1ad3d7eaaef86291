import { UnexpectedPage } from '../../errors';
import type { SnapshotPartnerPerson } from '../../types';
import type { PageDriver } from '../driver';
import { SITE } from './site';

export const PARTNERS_SELECTORS = {
  path: (businessId: string): string => SITE.businessPath(businessId, 'partners'),
  heading: 'Partners',
  table: 'Partners',
  columns: { name: 'Name', id: 'Business ID', shared: 'Shared assets', people: 'People' },
  /** On a partner's page. */
  businessId: 'Business ID',
  peopleTable: 'People',
  peopleColumns: { name: 'Name', email: 'Email', id: 'User ID' },
} as const;

const S = PARTNERS_SELECTORS;

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

  /** The partner's people, or null when they are not visible from this business. */
  async people(businessId: string, partner: PartnerRow): Promise<SnapshotPartnerPerson[] | null> {
    const reading = await this.driver.open(partner.url, {
      description: `the page of partner ${partner.id} in business ${businessId}`,
      businessId,
      spec: { tables: [S.peopleTable] },
      is: (r) => r.fields[S.businessId] === partner.id,
    });
    const rows = reading.tables[S.peopleTable];
    if (rows === null || rows === undefined) return null;
    const c = S.peopleColumns;
    return rows.map((row) => ({
      id: row[c.id]?.text ?? '',
      name: row[c.name]?.text ?? '',
      email: row[c.email]?.text ?? '',
    }));
  }
}
