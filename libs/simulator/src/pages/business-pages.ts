import { formatDate, html, type SafeHtml } from '../html';
import type { Business, Member } from '../state';
import { ASSET_TYPE_LABELS, INVITE_STATUS_LABELS, type AssetType, type Role } from '../types';
import {
  actionsButton,
  actionsMenu,
  businessPath,
  dialog,
  layout,
  opener,
  rowData,
  type MenuItem,
  pageSizeSelect,
  pagination,
  permissionCheckboxes,
  permissionList,
  roleLabel,
  roleRadios,
  type Viewer,
} from './layout';

export interface PageContext {
  viewer: Viewer & { role: Role };
  business: Business;
  flash?: string;
}

const isManager = (ctx: PageContext): boolean => ctx.viewer.role === 'MANAGER';

export function businessesPage(
  viewer: Viewer,
  entries: { business: Business; role: Role }[],
  flash?: string,
): string {
  return layout({
    title: 'Business Manager',
    viewer,
    flash,
    body: html`<h1>Business Manager</h1>
      <section aria-labelledby="businesses-heading">
        <h2 id="businesses-heading">Your businesses</h2>
        ${
          entries.length === 0
            ? html`<p>Your account isn't part of any business yet.</p>`
            : html`<table aria-labelledby="businesses-heading">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Business ID</th>
                    <th scope="col">Your role</th>
                  </tr>
                </thead>
                <tbody>
                  ${entries.map(
                    (e) =>
                      html`<tr>
                        <td><a href="${businessPath(e.business.id)}">${e.business.name}</a></td>
                        <td>${e.business.id}</td>
                        <td>${roleLabel(e.role)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>`,
  });
}

export function homePage(ctx: PageContext): string {
  const b = ctx.business;
  return layout({
    title: b.name,
    viewer: ctx.viewer,
    business: b,
    section: 'overview',
    flash: ctx.flash,
    body: html`<h1>${b.name}</h1>
      <section aria-labelledby="info-heading">
        <h2 id="info-heading">Business information</h2>
        <dl>
          <dt>Business name</dt>
          <dd>${b.name}</dd>
          <dt>Business ID</dt>
          <dd>${b.id}</dd>
          <dt>Your role</dt>
          <dd>${roleLabel(ctx.viewer.role)}</dd>
        </dl>
      </section>`,
  });
}

const forbiddenNote = (ctx: PageContext): SafeHtml =>
  isManager(ctx)
    ? html``
    : html`<p role="note">You don't have permission to make changes. Ask a Manager.</p>`;

// ---------- Employees ----------

export interface EmployeesView {
  q: string;
  page: number;
  pageSize: number;
  matches: Member[];
  /** Set after an invitation was sent, to show the "what next" step. */
  invited?: number;
  /** The hideRows fault: the page's last row is left out; the count still says all. */
  hideLastRow?: boolean;
}

const MEMBER_MENU: MenuItem[] = [
  { label: 'Edit role', dialog: 'edit-role-dialog' },
  { label: 'Remove', dialog: 'remove-member-dialog' },
];

const memberRow = (m: Member): SafeHtml => rowData({ memberId: m.id, name: m.name, role: m.role });

export function employeesPage(ctx: PageContext, view: EmployeesView): string {
  const b = ctx.business;
  const base = businessPath(b.id, 'employees');
  const query = (page: number): string => {
    const p = new URLSearchParams();
    if (view.q) p.set('q', view.q);
    p.set('pageSize', String(view.pageSize));
    p.set('page', String(page));
    return `${base}?${p.toString()}`;
  };
  const start = (view.page - 1) * view.pageSize;
  const shown = view.matches.slice(start, start + view.pageSize);
  const rows = view.hideLastRow ? shown.slice(0, -1) : shown;
  const manager = isManager(ctx);
  const invites = [...b.invites.values()];
  return layout({
    title: `Employees · ${b.name}`,
    viewer: ctx.viewer,
    business: b,
    section: 'employees',
    flash: ctx.flash,
    body: html`<h1>Employees</h1>
      <p>People who work on ${b.name} and the assets they can use.</p>
      ${forbiddenNote(ctx)}
      ${
        manager
          ? html`<p>
              <button type="button" class="primary" ${opener('add-employees-dialog')}>
                Add employee
              </button>
            </p>`
          : ''
      }
      <form class="search" role="search" method="get" action="${base}">
        <div>
          <label for="q">Search employees</label>
          <input id="q" name="q" type="search" value="${view.q}" placeholder="Name or email" />
        </div>
        <div>${pageSizeSelect(view.pageSize)}</div>
        <button type="submit">Search</button>
      </form>
      <table aria-label="Employees">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Date added</th>
            <th scope="col">Assets</th>
            <th scope="col">Assigned assets</th>
            ${manager ? html`<th scope="col">Actions</th>` : ''}
          </tr>
        </thead>
        <tbody>
          ${
            rows.length === 0
              ? html`<tr>
                  <td colspan="7">No people match.</td>
                </tr>`
              : rows.map(
                  (m) =>
                    html`<tr ${memberRow(m)}>
                      <td><a href="${base}/${encodeURIComponent(m.id)}">${m.name}</a></td>
                      <td>${m.email}</td>
                      <td>${roleLabel(m.role)}</td>
                      <td><time datetime="${m.addedAt}">${formatDate(m.addedAt)}</time></td>
                      <td>${b.assetIdsOf(m.id).size}</td>
                      <td>${assignedAssets(b, m)}</td>
                      ${manager ? html`<td><div class="menu-wrap">${actionsButton('row-actions', `Actions for ${m.name}`)}</div></td>` : ''}
                    </tr> `,
                )
          }
        </tbody>
      </table>
      ${manager ? actionsMenu('row-actions', MEMBER_MENU, true) : ''}
      ${pagination({
        page: view.page,
        pageSize: view.pageSize,
        total: view.matches.length,
        href: query,
        noun: 'people',
      })}
      <section aria-labelledby="invites-heading">
        <h2 id="invites-heading">Invitations</h2>
        ${
          invites.length === 0
            ? html`<p>No invitations.</p>`
            : html`<table aria-labelledby="invites-heading">
                <thead>
                  <tr>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Status</th>
                    <th scope="col">Sent</th>
                    ${manager ? html`<th scope="col">Actions</th>` : ''}
                  </tr>
                </thead>
                <tbody>
                  ${invites.map(
                    (i) =>
                      html`<tr ${rowData({ email: i.email })}>
                        <td>${i.email}</td>
                        <td>${roleLabel(i.role)}</td>
                        <td>${INVITE_STATUS_LABELS[i.status]}</td>
                        <td><time datetime="${i.sentAt}">${formatDate(i.sentAt)}</time></td>
                        ${
                          manager
                            ? html`<td>
                                ${
                                  i.status === 'PENDING'
                                    ? html`<button
                                        type="button"
                                        aria-label="Cancel invitation for ${i.email}"
                                        ${opener('cancel-invite-dialog')}
                                      >
                                        Cancel invitation
                                      </button>`
                                    : ''
                                }
                              </td>`
                            : ''
                        }
                      </tr> `,
                  )}
                </tbody>
              </table>`
        }
      </section>
      ${manager ? employeeDialogs(b, view.invited) : ''}`,
  });
}

/** Each asset the person can reach, with their permissions on it, as Business Manager lists them. */
function assignedAssets(b: Business, m: Member): SafeHtml {
  const assets = [...b.assetIdsOf(m.id)]
    .map((id) => b.assets.get(id))
    .filter((a) => a !== undefined);
  if (assets.length === 0) return html`None`;
  return html`<ul class="assigned">
    ${assets.map(
      (a) =>
        html`<li>
          <a href="${assetPath(b.id, a.type, a.id)}">${a.name}</a>:
          ${permissionList(b.permissionsOf(m.id, a.id))}
        </li>`,
    )}
  </ul>`;
}

function memberDialogs(b: Business): SafeHtml {
  const base = businessPath(b.id, 'employees');
  return html`${dialog({
    id: 'edit-role-dialog',
    title: 'Edit role',
    action: `${base}/{memberId}/role`,
    submitLabel: 'Save',
    text: 'Choose the business role for {name}.',
    body: roleRadios('Business role'),
  })}
  ${dialog({
    id: 'remove-member-dialog',
    title: 'Remove this person?',
    action: `${base}/{memberId}/remove`,
    submitLabel: 'Remove',
    text: `{name} will be removed from ${b.name} and lose access to all of its assets.`,
    danger: true,
  })}`;
}

function employeeDialogs(b: Business, invited: number | undefined): SafeHtml {
  return html`${memberDialogs(b)}
  ${dialog({
    id: 'add-employees-dialog',
    title: 'Add employees',
    action: businessPath(b.id, 'employees/invite'),
    submitLabel: 'Add employees',
    body: html`${roleRadios('Role')}
      <label for="invite-emails">Business emails</label>
      <textarea
        id="invite-emails"
        name="emails"
        rows="4"
        required
        aria-describedby="invite-emails-help"
      ></textarea>
      <p id="invite-emails-help">Separate emails with commas or new lines.</p>`,
  })}
  ${dialog({
    id: 'cancel-invite-dialog',
    title: 'Cancel invitation?',
    action: businessPath(b.id, 'invites/cancel'),
    submitLabel: 'Cancel invitation',
    text: `{email} won't be able to join ${b.name} with this invitation.`,
    danger: true,
    body: html`<input type="hidden" name="email" />`,
  })}
  ${
    invited !== undefined
      ? html`<dialog id="invited-dialog" aria-labelledby="invited-dialog-title" data-open-on-load>
          <h2 id="invited-dialog-title">Invitations sent</h2>
          <p>
            We sent ${invited} ${invited === 1 ? 'invitation' : 'invitations'}. People join once
            they accept. You can give them access to ad accounts now or later.
          </p>
          <div class="buttons">
            <a class="button" href="${businessPath(b.id, 'ad-accounts')}">Assign ad accounts</a>
            <button type="button" data-close>Maybe later</button>
          </div>
        </dialog>`
      : ''
  }`;
}

// ---------- One employee ----------

export function memberPage(ctx: PageContext, m: Member): string {
  const b = ctx.business;
  const manager = isManager(ctx);
  const assets = [...b.assetIdsOf(m.id)]
    .map((id) => b.assets.get(id))
    .filter((a) => a !== undefined);
  const permissionsAction = businessPath(b.id, 'permissions');
  return layout({
    title: `${m.name} · ${b.name}`,
    viewer: ctx.viewer,
    business: b,
    section: 'employees',
    flash: ctx.flash,
    body: html`<p><a href="${businessPath(b.id, 'employees')}">Back to Employees</a></p>
      <h1>${m.name}</h1>
      ${
        manager
          ? html`<div class="menu-wrap" ${memberRow(m)}>
              ${actionsButton('member-actions', 'Actions')}
              ${actionsMenu('member-actions', MEMBER_MENU)}
            </div>`
          : ''
      }
      <dl>
        <dt>Email</dt>
        <dd>${m.email}</dd>
        <dt>Role</dt>
        <dd>${roleLabel(m.role)}</dd>
        <dt>Date added</dt>
        <dd><time datetime="${m.addedAt}">${formatDate(m.addedAt)}</time></dd>
        <dt>User ID</dt>
        <dd>${m.id}</dd>
      </dl>
      <section aria-labelledby="assets-heading">
        <h2 id="assets-heading">Assets</h2>
        ${
          manager
            ? html`<p>
                <button
                  type="button"
                  ${opener('assign-assets-dialog', { memberId: m.id, name: m.name })}
                >
                  Assign assets
                </button>
              </p>`
            : ''
        }
        ${
          assets.length === 0
            ? html`<p>${m.name} doesn't have access to any assets.</p>`
            : html`<table aria-labelledby="assets-heading">
                <thead>
                  <tr>
                    <th scope="col">Asset</th>
                    <th scope="col">Type</th>
                    <th scope="col">Asset ID</th>
                    <th scope="col">Permissions</th>
                    ${manager ? html`<th scope="col">Actions</th>` : ''}
                  </tr>
                </thead>
                <tbody>
                  ${assets.map((a) => {
                    const perms = b.permissionsOf(m.id, a.id);
                    return html`<tr
                      ${rowData({ memberId: m.id, name: m.name, assetId: a.id, assetName: a.name, assetType: a.type, permissions: perms.join(',') })}
                    >
                      <td><a href="${assetPath(b.id, a.type, a.id)}">${a.name}</a></td>
                      <td>${ASSET_TYPE_LABELS[a.type]}</td>
                      <td>${a.id}</td>
                      <td>${permissionList(perms)}</td>
                      ${
                        manager
                          ? html`<td>
                              <button
                                type="button"
                                aria-label="Edit permissions for ${a.name}"
                                ${opener('permissions-dialog')}
                              >
                                Edit
                              </button>
                              <button
                                type="button"
                                aria-label="Remove access to ${a.name}"
                                ${opener('remove-access-dialog')}
                              >
                                Remove
                              </button>
                            </td>`
                          : ''
                      }
                    </tr>`;
                  })}
                </tbody>
              </table>`
        }
      </section>
      ${
        manager
          ? html`${memberDialogs(b)} ${permissionDialogs(permissionsAction)}
            ${dialog({
              id: 'assign-assets-dialog',
              title: 'Assign assets',
              action: permissionsAction,
              submitLabel: 'Assign',
              text: 'Choose an asset and what {name} can do with it.',
              body: html`<input type="hidden" name="memberId" />
                <input type="hidden" name="returnTo" value="member" />
                <label for="assign-asset">Asset</label>
                <select id="assign-asset" name="assetId" data-asset-select required>
                  ${[...b.assets.values()].map(
                    (a) =>
                      html`<option value="${a.id}" data-type="${a.type}">
                        ${a.name} (${ASSET_TYPE_LABELS[a.type]})
                      </option>`,
                  )}
                </select>
                ${permissionCheckboxes()}`,
            })}`
          : ''
      }`,
  });
}

/** Edit and remove-access dialogs, shared by the member page and the asset pages. */
export function permissionDialogs(action: string, returnTo = 'member'): SafeHtml {
  return html`${dialog({
    id: 'permissions-dialog',
    title: 'Edit permissions',
    action,
    submitLabel: 'Save',
    text: '{name} on {assetName}',
    body: html`<input type="hidden" name="memberId" /><input type="hidden" name="assetId" />
      <input type="hidden" name="returnTo" value="${returnTo}" />
      ${permissionCheckboxes()}`,
  })}
  ${dialog({
    id: 'remove-access-dialog',
    title: 'Remove access?',
    action,
    submitLabel: 'Remove',
    text: '{name} will lose access to {assetName}.',
    danger: true,
    body: html`<input type="hidden" name="memberId" /><input type="hidden" name="assetId" />
      <input type="hidden" name="returnTo" value="${returnTo}" />`,
  })}`;
}

export const ASSET_SECTIONS: Record<
  AssetType,
  { section: 'ad-accounts' | 'profiles' | 'catalogs'; plural: string; idLabel: string }
> = {
  AD_ACCOUNT: { section: 'ad-accounts', plural: 'Ad accounts', idLabel: 'Ad account ID' },
  PROFILE: { section: 'profiles', plural: 'Profiles', idLabel: 'Profile ID' },
  CATALOG: { section: 'catalogs', plural: 'Catalogs', idLabel: 'Catalog ID' },
};

export const assetPath = (businessId: string, type: AssetType, assetId: string): string =>
  businessPath(businessId, `${ASSET_SECTIONS[type].section}/${encodeURIComponent(assetId)}`);
