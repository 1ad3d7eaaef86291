import { UnexpectedPage } from '../../errors';
import type { PageDriver } from '../driver';
import { SITE } from './site';

export const PARTNERS_SELECTORS = {
  path: (businessId: string): string => SITE.businessPath(businessId, 'partners'),
  heading: 'Partners',
  table: 'Partners',
  columns: { name: 'Name', id: 'Business ID', shared: 'Shared assets', people: 'People' },
} as const;

const S = PARTNERS_SELECTORS;

export interface PartnerRow {
  id: string;
  name: string;
  url: string;
  sharedAssets: number;
}

/** The Partners list: partner businesses by name and Business ID. */
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
}
