import { UnexpectedPage } from '../../errors';
import type { AssetPermission, BusinessRole, SnapshotInvite, SnapshotMember } from '../../types';
import type { PageDriver } from '../driver';
import type { PageReading, PageRow } from '../read-page';
import {
  idFromHref,
  parseInviteStatus,
  parsePermissions,
  parseRange,
  parseRole,
  parseTotal,
  ROLE_LABELS,
  rowsInRange,
  SITE,
} from './site';

export const EMPLOYEES_SELECTORS = {
  path: (
    businessId: string,
    query: { page?: number; pageSize?: number; q?: string } = {},
  ): string => {
    const params = new URLSearchParams();
    if (query.q) params.set('q', query.q);
    if (query.pageSize) params.set('pageSize', String(query.pageSize));
    if (query.page) params.set('page', String(query.page));
    const qs = params.toString();
    return SITE.businessPath(businessId, 'employees') + (qs ? `?${qs}` : '');
  },
  heading: 'Employees',
  /** The largest page size the page offers. */
  maxPageSize: 100,
  table: 'Employees',
  columns: {
    name: 'Name',
    email: 'Email',
    role: 'Role',
    added: 'Date added',
    assets: 'Assets',
    assigned: 'Assigned assets',
  },
  invitesTable: 'Invitations',
  inviteColumns: { email: 'Email', role: 'Role', status: 'Status', sent: 'Sent' },
  nextPage: 'Next page',
  range: 'nav[aria-label="Pagination"] p',
  addEmployee: 'Add employee',
  addDialog: 'Add employees',
  emails: 'Business emails',
  addSubmit: 'Add employees',
  invitedDialog: 'Invitations sent',
  maybeLater: 'Maybe later',
  cancelInvite: (email: string): string => `Cancel invitation for ${email}`,
  cancelDialog: 'Cancel invitation?',
  cancelConfirm: 'Cancel invitation',
} as const;

const S = EMPLOYEES_SELECTORS;
const SPEC = {
  tables: [S.table, S.invitesTable],
  links: [S.nextPage],
  texts: { range: S.range },
};

/** One asset a person can reach, as the Employees table lists it. */
export interface AssignedAsset {
  assetId: string;
  permissions: AssetPermission[];
}

export interface EmployeeRow extends SnapshotMember {
  assigned: AssignedAsset[];
}

export interface EmployeesPageReading {
  members: EmployeeRow[];
  /** Every invitation listed (they are all on each page). */
  invites: SnapshotInvite[];
  total: number | null;
  /**
   * People the page's count says it shows but did not list (0 when they agree), or null when
   * the page states no count. A page that says "1–100" and lists 99 rows read part of the list.
   */
  missing: number | null;
  /** The page's own count, as it stated it ("Showing 1–100 of 2,001 people"). */
  stated: string | null;
  /** URL of the next page, null on the last. */
  next: string | null;
}

/** The Employees list: people, invitations, search, pagination, Add employee. */
export class EmployeesPage {
  constructor(private readonly driver: PageDriver) {}

  private expectation(businessId: string) {
    return {
      description: `the Employees page of business ${businessId}`,
      businessId,
      spec: SPEC,
      is: (r: PageReading) => r.h1 === S.heading && r.tables[S.table] !== null,
    };
  }

  /** Opens the first page at the largest page size, or a next-page URL read earlier. */
  async read(businessId: string, url?: string, q?: string): Promise<EmployeesPageReading> {
    const reading = await this.driver.open(
      url ?? S.path(businessId, { pageSize: S.maxPageSize, ...(q ? { q } : {}) }),
      this.expectation(businessId),
    );
    return this.parse(reading);
  }

  parse(reading: PageReading): EmployeesPageReading {
    const url = reading.url;
    const c = S.columns;
    const cell = (row: PageRow, column: string) => {
      const value = row[column];
      if (!value) throw new UnexpectedPage(url, `an Employees column "${column}"`);
      return value;
    };
    const members = (reading.tables[S.table] ?? []).map((row): EmployeeRow => {
      const added = cell(row, c.added);
      const assets = Number(cell(row, c.assets).text.replace(/,/g, ''));
      // "US Ads: Admin, Analyst" — the permissions follow the asset's link.
      const assigned = cell(row, c.assigned).items.map((item) => ({
        assetId: idFromHref(item.href, url, 'an asset'),
        permissions: parsePermissions(item.text.slice(item.label.length).replace(/^\s*:/, ''), url),
      }));
      return {
        id: idFromHref(cell(row, c.name).href, url, 'a person'),
        name: cell(row, c.name).text,
        email: cell(row, c.email).text,
        role: parseRole(cell(row, c.role).text, url),
        addedAt: added.datetime ? new Date(added.datetime).toISOString() : '',
        assetsCount: Number.isFinite(assets) ? assets : 0,
        assigned,
      };
    });
    const ic = S.inviteColumns;
    const invites = (reading.tables[S.invitesTable] ?? []).map((row): SnapshotInvite => ({
      email: cell(row, ic.email).text,
      role: parseRole(cell(row, ic.role).text, url),
      status: parseInviteStatus(cell(row, ic.status).text, url),
      sentAt: cell(row, ic.sent).datetime
        ? new Date(cell(row, ic.sent).datetime!).toISOString()
        : '',
    }));
    const range = parseRange(reading.texts.range);
    return {
      members,
      invites,
      total: parseTotal(reading.texts.range),
      missing: range ? rowsInRange(range) - members.length : null,
      stated: reading.texts.range ?? null,
      next: reading.links[S.nextPage] ?? null,
    };
  }

  /** Page n at the largest page size. */
  pageUrl(businessId: string, n: number): string {
    return S.path(businessId, { pageSize: S.maxPageSize, page: n });
  }

  /** Finds a person by exact email through the search box's query. */
  async findByEmail(businessId: string, email: string): Promise<EmployeeRow | undefined> {
    const { members } = await this.read(businessId, undefined, email);
    return members.find((m) => m.email.toLowerCase() === email.trim().toLowerCase());
  }

  /** Add employee → role, emails → Add employees → Maybe later. */
  async invite(businessId: string, emails: readonly string[], role: BusinessRole): Promise<void> {
    const page = this.driver.page;
    await page.getByRole('button', { name: S.addEmployee, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: S.addDialog });
    await dialog.getByLabel(ROLE_LABELS[role], { exact: true }).check();
    await dialog.getByLabel(S.emails, { exact: true }).fill(emails.join('\n'));
    await this.driver.submit(
      () => dialog.getByRole('button', { name: S.addSubmit, exact: true }).click(),
      this.expectation(businessId),
    );
    const next = page.getByRole('dialog', { name: S.invitedDialog });
    if (await next.isVisible()) await next.getByRole('button', { name: S.maybeLater }).click();
  }

  /** The invitation's Cancel invitation button, then the confirmation. */
  async cancelInvite(businessId: string, email: string): Promise<void> {
    const page = this.driver.page;
    await page.getByRole('button', { name: S.cancelInvite(email), exact: true }).click();
    const dialog = page.getByRole('dialog', { name: S.cancelDialog });
    await this.driver.submit(
      () => dialog.getByRole('button', { name: S.cancelConfirm, exact: true }).click(),
      this.expectation(businessId),
    );
  }
}
