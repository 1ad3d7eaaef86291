// History and access: a member's timeline, who could act on an asset at an instant, and the
// reproducible exports of both.
import { get, qs } from './api.js';
import { clear, errorText, field, fmtTime, h, message, words } from './dom.js';
import { appPicker, exportButton } from './common.js';

/** `datetime-local` is local wall time without a zone: the instant it means, as ISO-8601. */
const instant = (local) => (local ? new Date(local).toISOString() : undefined);

export async function historyView(container, integrationId, ctx) {
  const picker = await appPicker(integrationId, (id) => ctx.navigate(`#/history/${id}`));
  if (!integrationId) {
    if (picker.apps.length === 0) {
      clear(
        container,
        h('h1', { text: 'History and access' }),
        h('p', { class: 'empty', text: 'No app connected yet.' }),
      );
      return {};
    }
    integrationId = picker.apps[0].id;
  }
  const memberId = ctx.params.get('member');

  // Member timeline
  const memberSearch = h('input', { type: 'search', autocomplete: 'off' });
  const memberResults = h('ul', { class: 'plain results', 'aria-label': 'Members found' });
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'Member timeline' });
  const timelineTitle = h('h3', { text: 'Pick a member to read their history.' });
  const historyExport = h('div', { class: 'export-out', 'aria-live': 'polite' });
  let current = null;
  let timer;
  memberSearch.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => findMembers().catch((e) => message('error', errorText(e))), 250);
  });
  async function findMembers() {
    const term = memberSearch.value.trim();
    if (!term) return clear(memberResults);
    const pages = await Promise.all(
      ['unmatched', 'onboarded', 'exempted'].map((tab) =>
        get(`/api/integrations/${integrationId}/members${qs({ tab, search: term, limit: 10 })}`),
      ),
    );
    const found = pages.flatMap((p) => p.items);
    clear(
      memberResults,
      found.length
        ? found.map((m) =>
            h(
              'li',
              {},
              h('button', {
                type: 'button',
                class: 'link',
                text: `${m.name} (${m.email}) · ${words(m.tab)}`,
                onclick: () => showMember(m.id),
              }),
            ),
          )
        : h('li', { text: 'No member matches.' }),
    );
  }
  async function showMember(id) {
    const [member, page] = await Promise.all([
      get(`/api/integrations/${integrationId}/members/${id}`),
      get(`/api/integrations/${integrationId}/members/${id}/history${qs({ limit: 500 })}`),
    ]);
    current = member;
    timelineTitle.textContent = `History of ${member.name} (${member.email})`;
    clear(
      timeline,
      page.items.length
        ? page.items.map((e) =>
            h(
              'li',
              {},
              h('time', { datetime: e.occurredAt, text: fmtTime(e.occurredAt) }),
              h('p', { class: 'summary-text', text: e.summary }),
              h('p', {
                class: 'reason',
                text: `${e.type} · by ${e.actor}${e.reason ? ` · ${e.reason}` : ''}`,
              }),
            ),
          )
        : h('li', { text: 'No event.' }),
    );
    clear(historyExport);
  }

  // Access at an instant
  const at = h('input', { type: 'datetime-local', step: '1' });
  const asset = h('select', {}, h('option', { value: '', text: 'The whole business' }));
  const accessBody = h('tbody');
  const accessTitle = h('p', { class: 'subtitle', 'aria-live': 'polite' });
  const accessExport = h('div', { class: 'export-out', 'aria-live': 'polite' });
  let lastAccess = null;
  async function showAccess() {
    const answer = await get(
      `/api/integrations/${integrationId}/access${qs({ at: instant(at.value), assetId: asset.value, limit: 500 })}`,
    );
    lastAccess = answer;
    if (!asset.value && asset.options.length === 1) {
      // The business-wide answer names every asset reached (assetId:PERMISSION).
      const ids = [
        ...new Set(
          answer.items.flatMap((i) => i.permissions.map((p) => p.split(':')[0])).filter(Boolean),
        ),
      ].sort();
      for (const id of ids) asset.append(h('option', { value: id, text: `Asset ${id}` }));
    }
    accessTitle.textContent = `${answer.items.length} could act on ${asset.value ? `asset ${asset.value}` : 'the business'} at ${fmtTime(answer.at)} (log position ${answer.position ?? 'none'}).`;
    clear(
      accessBody,
      answer.items.length
        ? answer.items.map((i) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, i.name, h('div', { class: 'reason', text: i.email })),
              h('td', { text: words(i.tab) }),
              h('td', { text: words(i.businessRole) }),
              h('td', { text: i.permissions.join(', ') || '—' }),
              h('td', { text: `${fmtTime(i.since)} · ${i.sinceBy} (${i.sinceHow})` }),
            ),
          )
        : h('tr', {}, h('td', { colspan: '5', class: 'empty', text: 'No one.' })),
    );
  }

  clear(
    container,
    h('div', { class: 'view-header' }, h('h1', { text: 'History and access' })),
    h('div', { class: 'toolbar' }, picker.element),
    h(
      'section',
      { 'aria-labelledby': 'timeline-title', class: 'block' },
      h('h2', { id: 'timeline-title', text: 'Member timeline' }),
      field('Find a member', memberSearch, 'Name or email, on any tab.'),
      memberResults,
      timelineTitle,
      timeline,
      exportButton(
        'Export member history',
        () => {
          if (!current) throw new Error('pick a member first');
          return { kind: 'member_history', params: { integrationId, memberId: current.id } };
        },
        historyExport,
      ),
      historyExport,
    ),
    h(
      'section',
      { 'aria-labelledby': 'access-title', class: 'block' },
      h('h2', { id: 'access-title', text: 'Who could act on this asset at …' }),
      h(
        'form',
        {
          class: 'toolbar',
          onsubmit: (event) => {
            event.preventDefault();
            showAccess().catch((e) => message('error', errorText(e)));
          },
        },
        field('Asset', asset),
        field('At', at, 'Empty: now.'),
        h('button', { type: 'submit', class: 'primary', text: 'Show access' }),
      ),
      accessTitle,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { 'aria-label': 'Access at that instant' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Person', 'Tab', 'Business role', 'Permissions', 'Since'].map((c) =>
                h('th', { scope: 'col', text: c }),
              ),
            ),
          ),
          accessBody,
        ),
      ),
      exportButton(
        'Export access',
        () => ({
          kind: 'access_at',
          params: { integrationId, ...(asset.value ? { assetId: asset.value } : {}) },
          ...(lastAccess?.position ? { position: lastAccess.position } : {}),
        }),
        accessExport,
      ),
      accessExport,
    ),
  );
  await showAccess();
  if (memberId) await showMember(memberId);
  return {};
}
