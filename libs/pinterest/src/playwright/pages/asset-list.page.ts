import { UnexpectedPage } from '../../errors';
import type { AssetType } from '../../types';
import type { PageDriver } from '../driver';
import { idFromHref, parseTotal, SITE } from './site';

interface ListMeta {
  section: string;
  heading: string;
  idColumn: string;
}

export const ASSET_LIST_SELECTORS = {
  lists: {
    AD_ACCOUNT: { section: 'ad-accounts', heading: 'Ad accounts', idColumn: 'Ad account ID' },
    PROFILE: { section: 'profiles', heading: 'Profiles', idColumn: 'Profile ID' },
    CATALOG: { section: 'catalogs', heading: 'Catalogs', idColumn: 'Catalog ID' },
  } as Readonly<Record<AssetType, ListMeta>>,
  path: (businessId: string, type: AssetType, pageSize = 100): string =>
    `${SITE.businessPath(businessId, ASSET_LIST_SELECTORS.lists[type].section)}?pageSize=${pageSize}`,
  columns: { name: 'Name', people: 'People', partners: 'Partners' },
  nextPage: 'Next page',
  range: 'nav[aria-label="Pagination"] p',
} as const;

const S = ASSET_LIST_SELECTORS;

export interface AssetListRow {
  id: string;
  type: AssetType;
  name: string;
  /** The asset page's URL. */
  url: string;
  people: number;
  partners: number;
}

/** Ad accounts, Profiles or Catalogs: every asset of one type, with how many have access. */
export class AssetListPage {
  constructor(private readonly driver: PageDriver) {}

  async read(
    businessId: string,
    type: AssetType,
    url?: string,
  ): Promise<{ assets: AssetListRow[]; total: number | null; next: string | null }> {
    const meta = S.lists[type];
    const reading = await this.driver.open(url ?? S.path(businessId, type), {
      description: `the ${meta.heading} page of business ${businessId}`,
      businessId,
      spec: { tables: [meta.heading], links: [S.nextPage], texts: { range: S.range } },
      is: (r) => r.h1 === meta.heading && r.tables[meta.heading] !== null,
    });
    const at = reading.url;
    const assets = (reading.tables[meta.heading] ?? []).map((row): AssetListRow => {
      const name = row[S.columns.name];
      const id = row[meta.idColumn]?.text;
      if (!name || !id) throw new UnexpectedPage(at, `the ${meta.heading} table columns`);
      idFromHref(name.href, at, 'an asset');
      return {
        id,
        type,
        name: name.text,
        url: name.href!,
        people: Number(row[S.columns.people]?.text ?? NaN),
        partners: Number(row[S.columns.partners]?.text ?? NaN),
      };
    });
    return {
      assets,
      total: parseTotal(reading.texts.range),
      next: reading.links[S.nextPage] ?? null,
    };
  }
}
