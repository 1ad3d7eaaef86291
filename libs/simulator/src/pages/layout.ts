import { html, raw, type SafeHtml } from '../html';
import type { Business } from '../state';
import {
  PERMISSION_LABELS,
  PERMISSIONS,
  PERMISSIONS_BY_ASSET_TYPE,
  ROLE_LABELS,
  type Permission,
  type Role,
} from '../types';
import { CLIENT_SCRIPT, STYLES } from './client-script';

export type Section =
  'overview' | 'employees' | 'partners' | 'ad-accounts' | 'profiles' | 'catalogs' | undefined;

export interface Viewer {
  email: string;
  /** The viewer's role in the business being shown, when one is. */
  role?: Role;
}

export interface LayoutInput {
  title: string;
  body: SafeHtml;
  viewer?: Viewer;
  business?: Business;
  section?: Section;
  flash?: string;
}

export const businessPath = (businessId: string, rest = ''): string =>
  `/business/business-access/${encodeURIComponent(businessId)}/${rest}`;

const NAV: { section: Exclude<Section, undefined>; label: string; path: string }[] = [
  { section: 'overview', label: 'Overview', path: '' },
  { section: 'employees', label: 'Employees', path: 'employees' },
  { section: 'partners', label: 'Partners', path: 'partners' },
  { section: 'ad-accounts', label: 'Ad accounts', path: 'ad-accounts' },
  { section: 'profiles', label: 'Profiles', path: 'profiles' },
  { section: 'catalogs', label: 'Catalogs', path: 'catalogs' },
];

export function layout(input: LayoutInput): string {
  const { viewer, business } = input;
  const nav = business
    ? html`<nav class="side" aria-label="Business Manager">
        <ul>
          ${NAV.map(
            (n) =>
              html`<li>
                <a
                  href="${businessPath(business.id, n.path)}"
                  ${n.section === input.section ? raw('aria-current="page"') : ''}
                  >${n.label}</a
                >
              </li>`,
          )}
        </ul>
      </nav>`
    : '';
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${input.title} | Pinterest Business</title>
        <style>
          ${raw(STYLES)}
        </style>
      </head>
      <body>
        <header>
          <a class="brand" href="/">Pinterest Business</a>
          ${
            viewer
              ? html`<span>Logged in as ${viewer.email}</span>
                  <form method="post" action="/logout">
                    <button type="submit">Log out</button>
                  </form>`
              : ''
          }
        </header>
        <div class="layout">
          ${nav}
          <main id="main">
            ${input.flash ? html`<div role="status">${input.flash}</div>` : ''} ${input.body}
          </main>
        </div>
        <footer>Pinterest Business Manager (simulator)</footer>
        <script>
          ${raw(CLIENT_SCRIPT)};
        </script>
      </body>
    </html>`.value;
}

export function permissionList(perms: readonly Permission[]): string {
  return perms.map((p) => PERMISSION_LABELS[p]).join(', ');
}

export function roleLabel(role: Role): string {
  return ROLE_LABELS[role];
}

/** Every permission as a checkbox; the client shows only those the chosen asset type offers. */
export function permissionCheckboxes(): SafeHtml {
  return html`<fieldset>
    <legend>Permissions</legend>
    ${PERMISSIONS.map((p) => {
      const types = Object.entries(PERMISSIONS_BY_ASSET_TYPE)
        .filter(([, perms]) => perms.includes(p))
        .map(([t]) => t)
        .join(' ');
      return html`<label data-types="${types}"
        ><input type="checkbox" name="permissions" value="${p}" /> ${PERMISSION_LABELS[p]}</label
      >`;
    })}
  </fieldset>`;
}

export function roleRadios(legend: string, checked: Role = 'EMPLOYEE'): SafeHtml {
  return html`<fieldset>
    <legend>${legend}</legend>
    ${(['EMPLOYEE', 'MANAGER'] as const).map(
      (r) =>
        html`<label
          ><input type="radio" name="role" value="${r}" ${r === checked ? raw('checked') : ''} />
          ${ROLE_LABELS[r]}</label
        >`,
    )}
  </fieldset>`;
}

export interface DialogInput {
  id: string;
  title: string;
  /** Form action; `{field}` placeholders are filled from the opener's row. */
  action: string;
  submitLabel: string;
  body?: SafeHtml;
  /** Explanation with `{field}` placeholders, filled when the dialog opens. */
  text?: string;
  danger?: boolean;
}

/** A modal confirmation: native <dialog> has role "dialog"; its name comes from the heading. */
export function dialog(d: DialogInput): SafeHtml {
  const templated = d.action.includes('{');
  return html`<dialog id="${d.id}" aria-labelledby="${d.id}-title">
    <form method="post" ${templated ? html`data-action="${d.action}"` : html`action="${d.action}"`}>
      <h2 id="${d.id}-title">${d.title}</h2>
      ${d.text ? html`<p data-template="${d.text}"></p>` : ''} ${d.body ?? ''}
      <div class="buttons">
        <button type="button" data-close>Cancel</button>
        <button type="submit" class="${d.danger ? 'primary' : ''}">${d.submitLabel}</button>
      </div>
    </form>
  </dialog>`;
}

/** `data-row data-member-id="…"`: the values dialogs opened from inside this element use. */
export function rowData(fields: Record<string, string | undefined>): SafeHtml {
  const attrs = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => html` data-${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}="${v}"`);
  return html`data-row${attrs}`;
}

/** `data-dialog` plus values the opener adds to its row's. */
export function opener(dialogId: string, fields?: Record<string, unknown>): SafeHtml {
  return html`data-dialog="${dialogId}"
  ${fields ? html`data-fields="${JSON.stringify(fields)}"` : ''}`;
}

export interface MenuItem {
  label: string;
  dialog: string;
}

/** The "Actions" button; its menu either follows it or is shared by a whole table. */
export function actionsButton(menuId: string, accessibleName: string): SafeHtml {
  return html`<button
    type="button"
    aria-haspopup="menu"
    aria-expanded="false"
    aria-controls="${menuId}"
    ${accessibleName !== 'Actions' ? html` aria-label="${accessibleName}"` : ''}
  >
    Actions
  </button>`;
}

export function actionsMenu(menuId: string, items: MenuItem[], shared = false): SafeHtml {
  return html`<div role="menu" id="${menuId}" ${shared ? raw('data-shared') : ''} hidden>
    ${items.map((i) => html`<button type="button" role="menuitem" ${opener(i.dialog)}>${i.label}</button>`)}
  </div>`;
}

export interface PageLinks {
  page: number;
  pageSize: number;
  total: number;
  /** Builds the URL of another page of the same list. */
  href: (page: number) => string;
  noun: string;
}

export const PAGE_SIZES = [25, 50, 100] as const;

export function parsePaging(
  query: URLSearchParams,
  defaultSize = 25,
): { page: number; pageSize: number } {
  const size = Number(query.get('pageSize'));
  const pageSize = (PAGE_SIZES as readonly number[]).includes(size) ? size : defaultSize;
  const page = Math.max(1, Math.floor(Number(query.get('page')) || 1));
  return { page, pageSize };
}

export function pagination(p: PageLinks): SafeHtml {
  const pages = Math.max(1, Math.ceil(p.total / p.pageSize));
  const first = p.total === 0 ? 0 : (p.page - 1) * p.pageSize + 1;
  const last = Math.min(p.total, p.page * p.pageSize);
  return html`<nav class="pagination" aria-label="Pagination">
    <p>Showing ${first}–${last} of ${p.total.toLocaleString('en-US')} ${p.noun}</p>
    ${
      p.page > 1
        ? html`<a rel="prev" href="${p.href(p.page - 1)}">Previous page</a>`
        : html`<span aria-disabled="true">Previous page</span>`
    }
    <span>Page ${Math.min(p.page, pages)} of ${pages}</span>
    ${
      p.page < pages
        ? html`<a rel="next" href="${p.href(p.page + 1)}">Next page</a>`
        : html`<span aria-disabled="true">Next page</span>`
    }
  </nav>`;
}

export function pageSizeSelect(current: number): SafeHtml {
  return html`<label for="pageSize">Rows per page</label>
    <select id="pageSize" name="pageSize">
      ${PAGE_SIZES.map(
        (s) => html`<option value="${s}" ${s === current ? raw('selected') : ''}>${s}</option>`,
      )}
    </select>`;
}
