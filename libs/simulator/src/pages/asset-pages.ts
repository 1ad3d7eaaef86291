import { html } from '../html';
import type { Asset, Partner } from '../state';
import { ASSET_TYPE_LABELS, type AssetType } from '../types';
import { ASSET_SECTIONS, assetPath, permissionDialogs, type PageContext } from './business-pages';
import {
  businessPath,
  dialog,
  layout,
  opener,
  pageSizeSelect,
  pagination,
  permissionCheckboxes,
  permissionList,
  rowData,
} from './layout';

export interface AssetListView {
  type: AssetType;
  page: number;
  pageSize: number;
  assets: Asset[];
}

export function assetListPage(ctx: PageContext, view: AssetListView): string {
  const b = ctx.business;
  const meta = ASSET_SECTIONS[view.type];
  const base = businessPath(b.id, meta.section);
  const start = (view.page - 1) * view.pageSize;
  const rows = view.assets.slice(start, start + view.pageSize);
  return layout({
    title: `${meta.plural} · ${b.name}`,
    viewer: ctx.viewer,
    business: b,
    section: meta.section,
    flash: ctx.flash,
    body: html`<h1>${meta.plural}</h1>
      <form class="search" method="get" action="${base}">
        <div>${pageSizeSelect(view.pageSize)}</div>
        <button type="submit">Apply</button>
      </form>
      <table aria-label="${meta.plural}">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">${meta.idLabel}</th>
            <th scope="col">People</th>
            <th scope="col">Partners</th>
          </tr>
        </thead>
        <tbody>
          ${
            rows.length === 0
              ? html`<tr>
                  <td colspan="4">No ${meta.plural.toLowerCase()} yet.</td>
                </tr>`
              : rows.map(
                  (a) =>
                    html`<tr>
                      <td><a href="${assetPath(b.id, a.type, a.id)}">${a.name}</a></td>
                      <td>${a.id}</td>
                      <td>${b.peopleOn(a.id).length}</td>
                      <td>${b.partnersOn(a.id).length}</td>
                    </tr>`,
                )
          }
        </tbody>
      </table>
      ${pagination({
        page: view.page,
        pageSize: view.pageSize,
        total: view.assets.length,
        href: (page) => `${base}?pageSize=${view.pageSize}&page=${page}`,
        noun: meta.plural.toLowerCase(),
      })}`,
  });
}

export function assetPage(ctx: PageContext, asset: Asset): string {
  const b = ctx.business;
  const meta = ASSET_SECTIONS[asset.type];
  const manager = ctx.viewer.role === 'MANAGER';
  const people = b.peopleOn(asset.id);
  const partners = b.partnersOn(asset.id);
  const action = businessPath(b.id, 'permissions');
  const back = assetPath(b.id, asset.type, asset.id);
  return layout({
    title: `${asset.name} · ${b.name}`,
    viewer: ctx.viewer,
    business: b,
    section: meta.section,
    flash: ctx.flash,
    body: html`<p><a href="${businessPath(b.id, meta.section)}">Back to ${meta.plural}</a></p>
      <h1>${asset.name}</h1>
      <dl>
        <dt>${meta.idLabel}</dt>
        <dd>${asset.id}</dd>
        <dt>Type</dt>
        <dd>${ASSET_TYPE_LABELS[asset.type]}</dd>
      </dl>
      <section aria-labelledby="people-heading">
        <h2 id="people-heading">People</h2>
        ${
          manager
            ? html`<p>
                <button
                  type="button"
                  ${opener('assign-employees-dialog', { assetType: asset.type, assetName: asset.name })}
                >
                  Assign employees
                </button>
              </p>`
            : ''
        }
        <table aria-labelledby="people-heading">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Permissions</th>
              ${manager ? html`<th scope="col">Actions</th>` : ''}
            </tr>
          </thead>
          <tbody>
            ${
              people.length === 0
                ? html`<tr>
                    <td colspan="4">No one has access yet.</td>
                  </tr>`
                : people.map(
                    // Kept compact: popular assets list hundreds of people.
                    ({ member: m, permissions }) =>
                      html`<tr
                        ${rowData({ memberId: m.id, name: m.name, assetId: asset.id, assetName: asset.name, assetType: asset.type, permissions: permissions.join(',') })}
                      >
                        <td>
                          <a href="${businessPath(b.id, `employees/${encodeURIComponent(m.id)}`)}"
                            >${m.name}</a
                          >
                        </td>
                        <td>${m.email}</td>
                        <td>${permissionList(permissions)}</td>
                        ${
                          manager
                            ? html`<td>
                                <button
                                  type="button"
                                  aria-label="Edit permissions for ${m.name}"
                                  ${opener('permissions-dialog')}
                                >
                                  Edit
                                </button>
                                <button
                                  type="button"
                                  aria-label="Remove ${m.name}"
                                  ${opener('remove-access-dialog')}
                                >
                                  Remove
                                </button>
                              </td>`
                            : ''
                        }
                      </tr> `,
                  )
            }
          </tbody>
        </table>
      </section>
      <section aria-labelledby="partners-heading">
        <h2 id="partners-heading">Partners</h2>
        <table aria-labelledby="partners-heading">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Business ID</th>
              <th scope="col">Permissions</th>
            </tr>
          </thead>
          <tbody>
            ${
              partners.length === 0
                ? html`<tr>
                    <td colspan="3">No partners have access.</td>
                  </tr>`
                : partners.map(
                    ({ partner, permissions }) =>
                      html`<tr>
                        <td>
                          <a
                            href="${businessPath(b.id, `partners/${encodeURIComponent(partner.id)}`)}"
                            >${partner.name}</a
                          >
                        </td>
                        <td>${partner.id}</td>
                        <td>${permissionList(permissions)}</td>
                      </tr>`,
                  )
            }
          </tbody>
        </table>
      </section>
      ${
        manager
          ? html`${permissionDialogs(action, back)}
            ${dialog({
              id: 'assign-employees-dialog',
              title: 'Assign employees',
              action,
              submitLabel: 'Assign',
              text: 'Give someone in your business access to {assetName}.',
              body: html`<input type="hidden" name="assetId" value="${asset.id}" />
                <input type="hidden" name="returnTo" value="${back}" />
                <label for="assign-email">Employee email</label>
                <input id="assign-email" name="email" type="email" required />
                ${permissionCheckboxes()}`,
            })}`
          : ''
      }`,
  });
}

export function partnersPage(ctx: PageContext): string {
  const b = ctx.business;
  const partners = [...b.partners.values()];
  return layout({
    title: `Partners · ${b.name}`,
    viewer: ctx.viewer,
    business: b,
    section: 'partners',
    flash: ctx.flash,
    body: html`<h1>Partners</h1>
      <p>Businesses you share assets with.</p>
      <table aria-label="Partners">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Business ID</th>
            <th scope="col">Shared assets</th>
            <th scope="col">People</th>
          </tr>
        </thead>
        <tbody>
          ${
            partners.length === 0
              ? html`<tr>
                  <td colspan="4">You haven't added any partners.</td>
                </tr>`
              : partners.map(
                  (p) =>
                    html`<tr>
                      <td>
                        <a href="${businessPath(b.id, `partners/${encodeURIComponent(p.id)}`)}"
                          >${p.name}</a
                        >
                      </td>
                      <td>${p.id}</td>
                      <td>${p.grants.size}</td>
                      <td>${p.people ? p.people.length : 'Not visible'}</td>
                    </tr>`,
                )
          }
        </tbody>
      </table>`,
  });
}

export function partnerPage(ctx: PageContext, p: Partner): string {
  const b = ctx.business;
  const shared = [...p.grants]
    .map(([assetId, permissions]) => ({ asset: b.assets.get(assetId), permissions }))
    .filter((x): x is { asset: Asset; permissions: typeof x.permissions } => !!x.asset);
  return layout({
    title: `${p.name} · ${b.name}`,
    viewer: ctx.viewer,
    business: b,
    section: 'partners',
    flash: ctx.flash,
    body: html`<p><a href="${businessPath(b.id, 'partners')}">Back to Partners</a></p>
      <h1>${p.name}</h1>
      <dl>
        <dt>Business ID</dt>
        <dd>${p.id}</dd>
      </dl>
      <section aria-labelledby="shared-heading">
        <h2 id="shared-heading">Shared assets</h2>
        <table aria-labelledby="shared-heading">
          <thead>
            <tr>
              <th scope="col">Asset</th>
              <th scope="col">Type</th>
              <th scope="col">Asset ID</th>
              <th scope="col">Permissions</th>
            </tr>
          </thead>
          <tbody>
            ${
              shared.length === 0
                ? html`<tr>
                    <td colspan="4">Nothing shared with this partner.</td>
                  </tr>`
                : shared.map(
                    ({ asset, permissions }) =>
                      html`<tr>
                        <td>
                          <a href="${assetPath(b.id, asset.type, asset.id)}">${asset.name}</a>
                        </td>
                        <td>${ASSET_TYPE_LABELS[asset.type]}</td>
                        <td>${asset.id}</td>
                        <td>${permissionList(permissions)}</td>
                      </tr>`,
                  )
            }
          </tbody>
        </table>
      </section>
      <section aria-labelledby="partner-people-heading">
        <h2 id="partner-people-heading">People</h2>
        ${
          p.people
            ? html`<table aria-labelledby="partner-people-heading">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">User ID</th>
                  </tr>
                </thead>
                <tbody>
                  ${
                    p.people.length === 0
                      ? html`<tr>
                          <td colspan="3">No people.</td>
                        </tr>`
                      : p.people.map(
                          (x) =>
                            html`<tr>
                              <td>${x.name}</td>
                              <td>${x.email}</td>
                              <td>${x.id}</td>
                            </tr>`,
                        )
                  }
                </tbody>
              </table>`
            : html`<p>
                You can see this partner's people only through a monitor account in their Business
                Manager.
              </p>`
        }
      </section>`,
  });
}
