// App details → Members: the three tabs, search, paging, and each row's More options.
import { get, post, put, qs } from './api.js';
import { clear, dialog, errorText, field, h, menuButton, message, uid, words } from './dom.js';

const TABS = [
  ['unmatched', 'Unmatched users'],
  ['onboarded', 'Onboarded users'],
  ['exempted', 'Exempted users'],
];
const PAGE = 50;
const PERMISSIONS = [
  ['ADMIN', 'Admin'],
  ['ANALYST', 'Analyst'],
  ['CAMPAIGN_MANAGER', 'Campaign'],
  ['FINANCE_MANAGER', 'Finance'],
  ['AUDIENCE_MANAGER', 'Audience'],
  ['CATALOGS_MANAGER', 'Catalogs'],
  ['PROFILE_PUBLISHER', 'Publisher'],
];
const PERMISSION_LABEL = Object.fromEntries(PERMISSIONS);

export async function membersView(container, integrationId, ctx) {
  const initialTab = ctx.params.get('tab');
  const state = {
    tab: TABS.some(([t]) => t === initialTab) ? initialTab : 'unmatched',
    search: '',
    cursors: [null],
    page: 0,
    last: '',
  };
  const [app, first] = await Promise.all([
    get(`/api/integrations/${integrationId}`),
    get(`/api/integrations/${integrationId}/members${qs({ tab: state.tab, limit: PAGE })}`),
  ]);

  const tabButtons = TABS.map(([tab, label]) =>
    h('button', {
      type: 'button',
      role: 'tab',
      id: `tab-${tab}`,
      'aria-controls': 'members-panel',
      'data-tab': tab,
      text: label,
      onclick: () => selectTab(tab, true),
    }),
  );
  const tablist = h('div', { role: 'tablist', 'aria-label': 'User Overview' }, tabButtons);
  tablist.addEventListener('keydown', (event) => {
    const i = tabButtons.indexOf(document.activeElement);
    if (i < 0) return;
    let next = null;
    if (event.key === 'ArrowRight') next = (i + 1) % tabButtons.length;
    else if (event.key === 'ArrowLeft') next = (i - 1 + tabButtons.length) % tabButtons.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabButtons.length - 1;
    if (next === null) return;
    event.preventDefault();
    tabButtons[next].focus();
    selectTab(TABS[next][0], true);
  });

  const search = h('input', { type: 'search', name: 'search', autocomplete: 'off' });
  let searchTimer;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      state.search = search.value.trim();
      state.cursors = [null];
      state.page = 0;
      load().catch((e) => message('error', errorText(e)));
    }, 250);
  });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'members' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Name', 'Email', 'Business role', 'Assets', 'Status', 'Actions'].map((c) =>
          h('th', { scope: 'col', text: c }),
        ),
      ),
    ),
    tbody,
  );
  const pageInfo = h('span', { class: 'page-info', 'aria-live': 'polite' });
  const prev = h('button', {
    type: 'button',
    text: 'Previous page',
    onclick: () => {
      state.page -= 1;
      load().catch((e) => message('error', errorText(e)));
    },
  });
  const next = h('button', {
    type: 'button',
    text: 'Next page',
    onclick: () => {
      state.page += 1;
      load().catch((e) => message('error', errorText(e)));
    },
  });
  const panel = h(
    'div',
    { role: 'tabpanel', id: 'members-panel', class: 'panel' },
    h('div', { class: 'toolbar' }, field('Search members', search)),
    h('div', { class: 'table-wrap' }, table),
    h('div', { class: 'pager' }, prev, pageInfo, next),
  );
  clear(
    container,
    h(
      'nav',
      { 'aria-label': 'Breadcrumb', class: 'breadcrumb' },
      h('a', { href: '#/apps', text: 'Apps' }),
      ' › ',
      h('span', { text: app.label }),
    ),
    h(
      'div',
      { class: 'view-header' },
      h('h1', { text: app.label }),
      h(
        'div',
        { class: 'header-links' },
        h('a', { href: `#/report/${app.id}`, text: 'Deprovision report' }),
        h('a', { href: `#/history/${app.id}`, text: 'History and access' }),
      ),
    ),
    h('h2', { class: 'section-title', text: 'Members' }),
    tablist,
    panel,
  );

  function renderTabs(counts) {
    for (const button of tabButtons) {
      const tab = button.getAttribute('data-tab');
      const label = TABS.find(([t]) => t === tab)[1];
      button.textContent = `${label} (${counts[tab]})`;
      const selected = tab === state.tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      if (selected) panel.setAttribute('aria-labelledby', button.id);
    }
  }

  function render(page) {
    renderTabs(page.counts);
    state.cursors[state.page + 1] = page.nextCursor;
    prev.disabled = state.page === 0;
    next.disabled = !page.nextCursor;
    const total = state.search ? null : page.counts[state.tab];
    const from = state.page * PAGE + (page.items.length ? 1 : 0);
    const to = state.page * PAGE + page.items.length;
    pageInfo.textContent = total === null ? `${from}–${to}` : `${from}–${to} of ${total}`;
    if (page.items.length === 0) {
      clear(
        tbody,
        h(
          'tr',
          {},
          h('td', {
            colspan: '6',
            class: 'empty',
            text: state.search ? 'No member matches.' : 'No members on this tab.',
          }),
        ),
      );
      return;
    }
    clear(
      tbody,
      page.items.map((m) => row(m)),
    );
  }

  function row(m) {
    const assets = m.assets
      .map(
        (a) =>
          `${a.name ?? a.assetId}: ${a.permissions.map((p) => PERMISSION_LABEL[p] ?? p).join(', ')}`,
      )
      .join('; ');
    let status = words(m.status);
    if (m.pendingAction) status += ` (${words(m.pendingAction.kind)} requested)`;
    if (m.leaver) status += ' · leaver';
    const statusCell = h('td', {}, status);
    if (m.exemption)
      statusCell.append(h('div', { class: 'reason', text: `Reason: ${m.exemption.reason}` }));
    if (m.matchedIdentity) {
      statusCell.append(
        h('div', {
          class: 'reason',
          text: `Matched${m.matchedIdentity.role ? ` as ${words(m.matchedIdentity.role)}` : ''}`,
        }),
      );
    }
    return h(
      'tr',
      { 'data-member': m.id },
      h('th', { scope: 'row', text: m.name }),
      h('td', { text: m.email }),
      h('td', { text: words(m.businessRole) }),
      h('td', { text: assets || '—' }),
      statusCell,
      h('td', {}, menuButton(`More options for ${m.name}`, actions(m))),
    );
  }

  function actions(m) {
    const write = ctx.can('operator') && !m.pendingAction;
    const items = [];
    if (write && m.tab === 'unmatched') {
      items.push(
        { label: 'Match user', onSelect: (b) => matchDialog(m, b) },
        { label: 'Remove user', danger: true, onSelect: (b) => removeDialog(m, b) },
        { label: 'Exempt user', onSelect: (b) => exemptDialog(m, b) },
      );
    }
    if (write && m.tab === 'onboarded') {
      items.push(
        { label: 'Edit role', onSelect: (b) => roleDialog(m, b) },
        { label: 'Edit asset permissions', onSelect: (b) => permissionsDialog(m, b) },
        { label: 'Remove user', danger: true, onSelect: (b) => removeDialog(m, b) },
      );
    }
    if (write && m.tab === 'exempted') {
      items.push(
        {
          label: 'Remove exemption',
          onSelect: () =>
            act(`${base(m)}/unexempt`, {}, `${m.name} is back on the Unmatched users tab.`),
        },
        { label: 'Remove user', danger: true, onSelect: (b) => removeDialog(m, b) },
      );
    }
    items.push({
      label: 'View history',
      onSelect: () => ctx.navigate(`#/history/${integrationId}?member=${m.id}`),
    });
    return items;
  }

  const base = (m) => `/api/integrations/${integrationId}/members/${m.id}`;

  async function act(path, body, success, method = post) {
    try {
      await method(path, body);
      message('success', success);
      await load();
      return true;
    } catch (e) {
      message('error', errorText(e));
      return false;
    }
  }

  function matchDialog(m, returnFocus) {
    dialog({
      title: 'Match user',
      returnFocus,
      build: (close, el) => {
        const body = h('div');
        let chosen = null;
        const stepOne = () => {
          const input = h('input', { type: 'search', autocomplete: 'off' });
          const results = h('div', {
            class: 'results',
            role: 'radiogroup',
            'aria-label': 'Identities found',
          });
          const nextButton = h('button', {
            type: 'submit',
            class: 'primary',
            text: 'Next',
            disabled: true,
          });
          let timer;
          const find = async () => {
            const term = input.value.trim();
            const { items } = await get(
              `/api/identities${qs({ search: term, active: 'true', limit: 20 })}`,
            );
            const name = `identity-${uid('g')}`;
            clear(
              results,
              items.length
                ? items.map((i) => {
                    const label = `${i.displayName ?? i.userName} <${i.emails?.[0]?.value ?? i.userName}>`;
                    const radio = h('input', {
                      type: 'radio',
                      name,
                      value: i.id,
                      onchange: () => {
                        chosen = { id: i.id, label };
                        nextButton.disabled = false;
                      },
                    });
                    return h('label', { class: 'choice' }, radio, ` ${label}`);
                  })
                : h('p', { class: 'empty', text: term ? 'No identity matches.' : '' }),
            );
          };
          input.addEventListener('input', () => {
            clearTimeout(timer);
            chosen = null;
            nextButton.disabled = true;
            timer = setTimeout(() => find().catch((e) => message('error', errorText(e))), 200);
          });
          clear(
            body,
            h(
              'form',
              {
                onsubmit: (event) => {
                  event.preventDefault();
                  if (chosen) stepTwo();
                },
              },
              h('p', { text: `Match ${m.name} (${m.email}) with a person of your directory.` }),
              field('Match with', input, 'Search by username or email address.'),
              results,
              h(
                'div',
                { class: 'actions' },
                h('button', { type: 'button', 'data-cancel': '', text: 'Cancel', onclick: close }),
                nextButton,
              ),
            ),
          );
          input.focus();
        };
        const stepTwo = () => {
          const role = h(
            'select',
            { name: 'role' },
            h('option', { value: 'owner', text: 'Owner' }),
            h('option', { value: 'collaborator', text: 'Collaborator' }),
          );
          el.querySelector('h2').textContent = 'Select role';
          clear(
            body,
            h(
              'form',
              {
                onsubmit: async (event) => {
                  event.preventDefault();
                  const ok = await act(
                    `${base(m)}/match`,
                    { identityId: chosen.id, role: role.value },
                    `${m.name} was matched with ${chosen.label} and moved to the Onboarded users tab.`,
                  );
                  if (ok) close();
                },
              },
              h('p', { text: `Matching ${m.name} with ${chosen.label}.` }),
              field(
                'Role',
                role,
                'Owner: shares access and manages the account configuration. Collaborator: only logs in.',
              ),
              h(
                'div',
                { class: 'actions' },
                h('button', {
                  type: 'button',
                  text: 'Back',
                  onclick: () => {
                    el.querySelector('h2').textContent = 'Match user';
                    stepOne();
                  },
                }),
                h('button', { type: 'submit', class: 'primary', text: 'Match user' }),
              ),
            ),
          );
          role.focus();
        };
        stepOne();
        return body;
      },
    });
  }

  function removeDialog(m, returnFocus) {
    dialog({
      title: 'Remove user?',
      returnFocus,
      build: (close) =>
        h(
          'div',
          {},
          h('p', {
            text: `${m.name} (${m.email}) will be removed from the Pinterest business with all their asset permissions.`,
          }),
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', 'data-cancel': '', text: 'Cancel', onclick: close }),
            h('button', {
              type: 'button',
              class: 'danger',
              text: 'Remove user',
              onclick: async () => {
                if (
                  await act(
                    `${base(m)}/remove`,
                    {},
                    `${m.name} is being removed from the Pinterest business.`,
                  )
                )
                  close();
              },
            }),
          ),
        ),
    });
  }

  function exemptDialog(m, returnFocus) {
    dialog({
      title: 'Exempt user',
      returnFocus,
      build: (close) => {
        const reason = h('textarea', {
          name: 'reason',
          required: true,
          maxlength: '500',
          rows: '3',
        });
        const until = h('input', { type: 'datetime-local', name: 'expiresAt' });
        const error = h('p', { class: 'form-error', role: 'alert' });
        return h(
          'form',
          {
            onsubmit: async (event) => {
              event.preventDefault();
              const body = { reason: reason.value.trim() };
              if (!body.reason) {
                error.textContent = 'A reason is required.';
                reason.focus();
                return;
              }
              if (until.value) body.expiresAt = new Date(until.value).toISOString();
              if (
                await act(
                  `${base(m)}/exempt`,
                  body,
                  `${m.name} was exempted and moved to the Exempted users tab.`,
                )
              )
                close();
            },
          },
          h('p', { text: `${m.name} keeps their Pinterest access, unmanaged.` }),
          field('Provide a reason', reason),
          field('End date (optional)', until, 'The exemption ends by itself then.'),
          error,
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', 'data-cancel': '', text: 'Cancel', onclick: close }),
            h('button', { type: 'submit', class: 'primary', text: 'Exempt member' }),
          ),
        );
      },
    });
  }

  function roleDialog(m, returnFocus) {
    dialog({
      title: 'Edit role',
      returnFocus,
      build: (close) => {
        const role = h(
          'select',
          { name: 'businessRole' },
          h('option', {
            value: 'employee',
            text: 'Employee',
            selected: m.businessRole === 'employee',
          }),
          h('option', {
            value: 'manager',
            text: 'Manager',
            selected: m.businessRole === 'manager',
          }),
        );
        return h(
          'form',
          {
            onsubmit: async (event) => {
              event.preventDefault();
              if (
                await act(
                  `${base(m)}/business-role`,
                  { role: role.value },
                  `${m.name}'s role is being changed to ${words(role.value)}.`,
                  put,
                )
              )
                close();
            },
          },
          field('Business role', role),
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', 'data-cancel': '', text: 'Cancel', onclick: close }),
            h('button', { type: 'submit', class: 'primary', text: 'Save role' }),
          ),
        );
      },
    });
  }

  function permissionsDialog(m, returnFocus) {
    dialog({
      title: 'Edit asset permissions',
      returnFocus,
      build: (close) => {
        const asset = h(
          'select',
          { name: 'asset' },
          m.assets.map((a) => h('option', { value: a.assetId, text: a.name ?? a.assetId })),
          h('option', { value: '', text: 'Another asset (enter its ID)' }),
        );
        const other = h('input', { name: 'assetId', inputmode: 'numeric' });
        const otherField = field('Asset ID', other);
        const boxes = PERMISSIONS.map(([value, label]) =>
          h('label', { class: 'choice' }, h('input', { type: 'checkbox', value }), ` ${label}`),
        );
        const sync = () => {
          otherField.hidden = asset.value !== '';
          const held = m.assets.find((a) => a.assetId === asset.value)?.permissions ?? [];
          for (const b of boxes) b.firstChild.checked = held.includes(b.firstChild.value);
        };
        asset.addEventListener('change', sync);
        sync();
        return h(
          'form',
          {
            onsubmit: async (event) => {
              event.preventDefault();
              const assetId = asset.value || other.value.trim();
              const permissions = boxes
                .filter((b) => b.firstChild.checked)
                .map((b) => b.firstChild.value);
              if (
                await act(
                  `${base(m)}/asset-permissions`,
                  { assetId, permissions },
                  `${m.name}'s permissions on ${assetId} are being updated.`,
                  put,
                )
              )
                close();
            },
          },
          field('Asset', asset),
          otherField,
          h(
            'fieldset',
            { class: 'checks' },
            h('legend', { text: 'Permissions (none removes the access)' }),
            boxes,
          ),
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', 'data-cancel': '', text: 'Cancel', onclick: close }),
            h('button', { type: 'submit', class: 'primary', text: 'Save permissions' }),
          ),
        );
      },
    });
  }

  async function load() {
    const page = await get(
      `/api/integrations/${integrationId}/members${qs({
        tab: state.tab,
        search: state.search,
        cursor: state.cursors[state.page],
        limit: PAGE,
      })}`,
    );
    const key = JSON.stringify([state.tab, state.search, state.page, page]);
    if (key === state.last) return;
    state.last = key;
    ctx.pollFast(page.items.some((m) => m.pendingAction));
    render(page);
  }

  function selectTab(tab, focus) {
    if (tab !== state.tab) {
      state.tab = tab;
      state.cursors = [null];
      state.page = 0;
      history.replaceState(null, '', `#/apps/${integrationId}/members?tab=${tab}`);
      load().catch((e) => message('error', errorText(e)));
    }
    if (focus) tabButtons.find((b) => b.getAttribute('data-tab') === tab)?.focus();
  }

  state.last = JSON.stringify([state.tab, state.search, state.page, first]);
  render(first);
  return { refresh: load };
}
