// Deprovision report: leavers, the access they still hold, statuses, time to verified
// removal; Dry run and Apply report with the safeguard's confirmation.
import { get, post, qs } from './api.js';
import { clear, dialog, errorText, fmtDuration, fmtTime, h, message, words } from './dom.js';
import { appPicker, exportButton } from './common.js';

const STATUSES = [
  'pending',
  'removing',
  'removed',
  'verified',
  'absent',
  'failed',
  'blocked',
  'reinstated',
];

export async function reportView(container, integrationId, ctx) {
  const picker = await appPicker(integrationId, (id) => ctx.navigate(`#/report/${id}`));
  if (!integrationId) {
    if (picker.apps.length === 0) {
      clear(
        container,
        h('h1', { text: 'Deprovision report' }),
        h('p', { class: 'empty', text: 'No app connected yet.' }),
      );
      return {};
    }
    integrationId = picker.apps[0].id;
  }
  const app =
    picker.apps.find((a) => a.id === integrationId) ??
    (await get(`/api/integrations/${integrationId}`));
  const filter = h(
    'select',
    { id: 'report-status' },
    h('option', { value: '', text: 'Every status' }),
    STATUSES.map((s) => h('option', { value: s, text: words(s) })),
  );
  filter.addEventListener('change', () => refresh());
  const summary = h('div', { class: 'summary', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const dryRunOut = h('div', { class: 'dry-run', 'aria-live': 'polite' });
  const exportOut = h('div', { class: 'export-out', 'aria-live': 'polite' });
  let report = null;
  const buttons = ctx.can('operator')
    ? [
        h('button', { type: 'button', text: 'Dry run', onclick: () => dryRun() }),
        h('button', {
          type: 'button',
          class: 'primary',
          text: 'Apply report',
          onclick: (e) => applyDialog(e.currentTarget),
        }),
      ]
    : [];
  clear(
    container,
    h(
      'div',
      { class: 'view-header' },
      h('h1', { text: 'Deprovision report' }),
      h('div', { class: 'header-actions' }, buttons),
    ),
    h('p', { class: 'subtitle', text: `${app.label} · Business ID ${app.businessId}` }),
    h(
      'div',
      { class: 'toolbar' },
      picker.element,
      h('div', { class: 'field' }, h('label', { for: 'report-status', text: 'Status' }), filter),
      exportButton(
        'Export report',
        () => ({ kind: 'deprovision_report', params: { integrationId } }),
        exportOut,
      ),
    ),
    summary,
    dryRunOut,
    exportOut,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'report', 'aria-label': 'Leavers' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Leaver', 'Left', 'Access held', 'Status', 'Time to verified removal'].map((c) =>
              h('th', { scope: 'col', text: c }),
            ),
          ),
        ),
        tbody,
      ),
    ),
  );

  let last = '';
  async function refresh() {
    report = await get(
      `/api/integrations/${integrationId}/deprovision-report${qs({ status: filter.value, limit: 200 })}`,
    );
    ctx.pollFast(report.counts.removing > 0 || report.counts.removed > 0);
    const key = JSON.stringify(report);
    if (key === last) return;
    last = key;
    const c = report.counts;
    const s = report.safeguard;
    clear(
      summary,
      h(
        'ul',
        { class: 'counts', 'aria-label': 'Leavers per status' },
        STATUSES.filter((st) => c[st] > 0 || st === 'pending' || st === 'verified').map((st) =>
          h('li', {}, h('strong', { text: c[st] }), ` ${words(st)}`),
        ),
      ),
      h('p', {
        text: `Median time to verified removal: ${fmtDuration(c.medianVerifiedRemovalSec)} · longest: ${fmtDuration(c.maxVerifiedRemovalSec)}. Safeguard: ${s.leaversPending} of ${s.members} members (${s.percent} %, threshold ${s.thresholdPercent} %)${s.exceeded ? ' — exceeded, an apply needs confirmation' : ''}.`,
      }),
    );
    if (report.items.length === 0) {
      clear(tbody, h('tr', {}, h('td', { colspan: '5', class: 'empty', text: 'No leaver.' })));
      return;
    }
    clear(
      tbody,
      report.items.map((i) =>
        h(
          'tr',
          { 'data-member': i.memberId },
          h('th', { scope: 'row' }, i.name, h('div', { class: 'reason', text: i.email })),
          h('td', {}, fmtTime(i.leftAt), h('div', { class: 'reason', text: words(i.reason) })),
          h(
            'td',
            {},
            `${words(i.access.businessRole)}`,
            i.access.assets.length
              ? h(
                  'ul',
                  { class: 'plain' },
                  i.access.assets.map((a) =>
                    h('li', { text: `${a.assetName ?? a.assetId}: ${a.permissions.join(', ')}` }),
                  ),
                )
              : null,
          ),
          h(
            'td',
            {},
            h('span', { class: `badge report-${i.status}`, text: words(i.status) }),
            i.lastError ? h('div', { class: 'error-text', text: i.lastError.message }) : null,
            i.blockedReason ? h('div', { class: 'reason', text: words(i.blockedReason) }) : null,
          ),
          h('td', { text: fmtDuration(i.verifiedRemovalSec) }),
        ),
      ),
    );
  }

  async function dryRun() {
    try {
      const answer = await post(`/api/integrations/${integrationId}/deprovision-report/apply`, {
        dryRun: true,
      });
      clear(
        dryRunOut,
        h('h2', { text: 'Dry run' }),
        h('p', {
          text: `Applying now would remove ${answer.members.length} member(s)${answer.skipped.length ? `, skip ${answer.skipped.length}` : ''}. Safeguard: ${answer.safeguard.percent} % of members (threshold ${answer.safeguard.thresholdPercent} %)${answer.safeguard.exceeded ? ', exceeded: confirmation needed' : ''}.`,
        }),
        h(
          'ul',
          { class: 'plain' },
          answer.members.map((m) => h('li', { text: `${m.name} (${m.email})` })),
        ),
        answer.skipped.length
          ? h(
              'ul',
              { class: 'plain' },
              answer.skipped.map((m) =>
                h('li', { text: `Skipped: ${m.name} (${words(m.reason)})` }),
              ),
            )
          : null,
      );
    } catch (e) {
      message('error', `Dry run failed: ${errorText(e)}`);
    }
  }

  function applyDialog(returnFocus) {
    const s = report?.safeguard;
    dialog({
      title: 'Apply report?',
      returnFocus,
      build: (close) => {
        const confirm = h('input', {
          type: 'checkbox',
          name: 'confirmMassRemoval',
          required: true,
        });
        const error = h('p', { class: 'form-error', role: 'alert' });
        return h(
          'form',
          {
            onsubmit: async (event) => {
              event.preventDefault();
              try {
                const answer = await post(
                  `/api/integrations/${integrationId}/deprovision-report/apply`,
                  s?.exceeded ? { confirmMassRemoval: true } : {},
                );
                close();
                // What a dry run said before no longer holds.
                clear(dryRunOut);
                message(
                  'success',
                  answer.members.length
                    ? `Removing ${answer.members.length} leaver(s) from the Pinterest business. A check for updates will verify it.`
                    : 'Nothing to remove.',
                );
                ctx.pollFast(true);
                await refresh();
              } catch (e) {
                error.textContent = errorText(e);
              }
            },
          },
          h('p', {
            text: `Every pending and failed leaver (${(report?.counts.pending ?? 0) + (report?.counts.failed ?? 0)}) will be removed from the Pinterest business with all their asset permissions.`,
          }),
          s?.exceeded
            ? h(
                'div',
                { class: 'warning' },
                h('p', {
                  text: `The sync safeguard applies: ${s.leaversPending} of ${s.members} members (${s.percent} %) is more than ${s.thresholdPercent} %.`,
                }),
                h(
                  'label',
                  { class: 'choice' },
                  confirm,
                  ` I confirm removing ${s.leaversPending} members`,
                ),
              )
            : null,
          error,
          h(
            'div',
            { class: 'actions' },
            h('button', { type: 'button', 'data-cancel': '', text: 'Cancel', onclick: close }),
            h('button', { type: 'submit', class: 'danger', text: 'Apply report' }),
          ),
        );
      },
    });
  }

  await refresh();
  return { refresh };
}
