import { InvalidRequest, MemberNotFound, UnexpectedPage } from '../../errors';
import {
  PERMISSIONS_BY_ASSET_TYPE,
  type AssetPermission,
  type AssetType,
  type BusinessRole,
} from '../../types';
import type { Expectation, PageDriver } from '../driver';
import { type PageReading, readPage } from '../read-page';
import {
  parseAssetType,
  parsePermissions,
  parseRole,
  PERMISSION_LABELS,
  ROLE_LABELS,
  SITE,
} from './site';

export const MEMBER_SELECTORS = {
  path: (businessId: string, memberId: string): string =>
    SITE.businessPath(businessId, `employees/${encodeURIComponent(memberId)}`),
  fields: { email: 'Email', role: 'Role', added: 'Date added', id: 'User ID' },
  assetsTable: 'Assets',
  assetColumns: { name: 'Asset', type: 'Type', id: 'Asset ID', permissions: 'Permissions' },
  actions: 'Actions',
  editRole: 'Edit role',
  remove: 'Remove',
  removeDialog: 'Remove this person?',
  removeConfirm: 'Remove',
  afterRemoveHeading: 'Employees',
  roleDialog: 'Edit role',
  save: 'Save',
  editPermissions: (assetName: string): string => `Edit permissions for ${assetName}`,
  permissionsDialog: 'Edit permissions',
  removeAccess: (assetName: string): string => `Remove access to ${assetName}`,
  removeAccessDialog: 'Remove access?',
  assignAssets: 'Assign assets',
  assignDialog: 'Assign assets',
  assetSelect: 'Asset',
  /** "Acme US Ads (Ad account)" → "Ad account" */
  optionType: (text: string | null): string => /\(([^()]*)\)\s*$/.exec(text ?? '')?.[1] ?? '',
  assign: 'Assign',
  /** The hint on the "not part of your business" page when someone else removed the person. */
  removedByNote: /^Removed by (.+?)\.?$/,
} as const;

const S = MEMBER_SELECTORS;

export interface MemberAsset {
  id: string;
  name: string;
  type: AssetType;
  permissions: AssetPermission[];
}

export interface MemberDetails {
  id: string;
  name: string;
  email: string;
  role: BusinessRole;
  addedAt: string;
  assets: MemberAsset[];
}

/** One person's page: details, their assets, and the Actions menu. */
export class MemberPage {
  constructor(private readonly driver: PageDriver) {}

  private expectation(businessId: string, memberId: string): Expectation {
    return {
      description: `the page of member ${memberId} in business ${businessId}`,
      businessId,
      memberId,
      spec: { tables: [S.assetsTable] },
      is: (r) => r.fields[S.fields.id] === memberId,
    };
  }

  /** The person's details, or undefined when they are not (or no longer) in the business. */
  async read(businessId: string, memberId: string): Promise<MemberDetails | undefined> {
    try {
      return this.parse(
        await this.driver.open(
          S.path(businessId, memberId),
          this.expectation(businessId, memberId),
        ),
      );
    } catch (e) {
      if (e instanceof MemberNotFound) return undefined;
      throw e;
    }
  }

  /**
   * On the page left by a `read` that found no one: who it says removed the person, when it
   * names someone (it does not name the viewer).
   */
  async removedBy(): Promise<string | undefined> {
    const reading = await readPage(this.driver.page);
    for (const note of reading.notes) {
      const match = S.removedByNote.exec(note);
      if (match?.[1]) return match[1];
    }
    return undefined;
  }

  private parse(r: PageReading): MemberDetails {
    const f = S.fields;
    const c = S.assetColumns;
    const added = r.fields[f.added];
    const rows = r.tables[S.assetsTable] ?? [];
    return {
      id: r.fields[f.id] ?? '',
      name: r.h1,
      email: r.fields[f.email] ?? '',
      role: parseRole(r.fields[f.role] ?? '', r.url),
      addedAt: added ?? '',
      assets: rows.map((row) => {
        const id = row[c.id]?.text;
        if (!id) throw new UnexpectedPage(r.url, `an Assets column "${c.id}"`);
        return {
          id,
          name: row[c.name]?.text ?? '',
          type: parseAssetType(row[c.type]?.text ?? '', r.url),
          permissions: parsePermissions(row[c.permissions]?.text ?? '', r.url),
        };
      }),
    };
  }

  private async openActions(): Promise<void> {
    await this.driver.page.getByRole('button', { name: S.actions, exact: true }).click();
  }

  /** Actions → Remove → confirm; Pinterest returns to the Employees list. */
  async remove(businessId: string, memberId: string): Promise<void> {
    const page = this.driver.page;
    await this.openActions();
    await page.getByRole('menuitem', { name: S.remove, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: S.removeDialog });
    await this.driver.submit(
      () => dialog.getByRole('button', { name: S.removeConfirm, exact: true }).click(),
      {
        description: `the Employees list after removing ${memberId}`,
        businessId,
        memberId,
        is: (r) => r.h1 === S.afterRemoveHeading,
      },
    );
  }

  /** Actions → Edit role → choose → Save. */
  async changeRole(
    businessId: string,
    memberId: string,
    role: BusinessRole,
  ): Promise<MemberDetails> {
    const page = this.driver.page;
    await this.openActions();
    await page.getByRole('menuitem', { name: S.editRole, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: S.roleDialog });
    await dialog.getByLabel(ROLE_LABELS[role], { exact: true }).check();
    return this.parse(
      await this.driver.submit(
        () => dialog.getByRole('button', { name: S.save, exact: true }).click(),
        this.expectation(businessId, memberId),
      ),
    );
  }

  /**
   * Sets exactly `permissions` on one asset: Edit when the person has access, Remove access
   * for an empty list, Assign assets when they have none yet. Returns the asset's type, or
   * undefined when the business has no such asset.
   */
  async setPermissions(
    businessId: string,
    memberId: string,
    assetId: string,
    current: MemberAsset | undefined,
    permissions: readonly AssetPermission[],
  ): Promise<AssetType | undefined> {
    const page = this.driver.page;
    const expect = this.expectation(businessId, memberId);
    if (current && permissions.length === 0) {
      await page.getByRole('button', { name: S.removeAccess(current.name), exact: true }).click();
      const dialog = page.getByRole('dialog', { name: S.removeAccessDialog });
      await this.driver.submit(
        () => dialog.getByRole('button', { name: S.removeConfirm, exact: true }).click(),
        expect,
      );
      return current.type;
    }
    let dialog;
    let type: AssetType;
    if (current) {
      await page
        .getByRole('button', { name: S.editPermissions(current.name), exact: true })
        .click();
      dialog = page.getByRole('dialog', { name: S.permissionsDialog });
      type = current.type;
    } else {
      await page.getByRole('button', { name: S.assignAssets, exact: true }).click();
      dialog = page.getByRole('dialog', { name: S.assignDialog });
      const select = dialog.getByLabel(S.assetSelect, { exact: true });
      const option = select.locator(`option[value=${JSON.stringify(assetId)}]`);
      if ((await option.count()) === 0) {
        await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
        return undefined;
      }
      await select.selectOption(assetId);
      type = parseAssetType(S.optionType(await option.textContent()), page.url());
    }
    const offered = PERMISSIONS_BY_ASSET_TYPE[type];
    const wrong = permissions.filter((p) => !offered.includes(p));
    if (wrong.length > 0) {
      throw new InvalidRequest(`${wrong.join(', ')} cannot be given on a ${type} asset`);
    }
    for (const p of offered) {
      await dialog
        .getByLabel(PERMISSION_LABELS[p], { exact: true })
        .setChecked(permissions.includes(p));
    }
    const submit = current ? S.save : S.assign;
    await this.driver.submit(
      () => dialog.getByRole('button', { name: submit, exact: true }).click(),
      expect,
    );
    return type;
  }
}
