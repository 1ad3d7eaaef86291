// Automation: the task list with live progress, attempts, errors and evidence.
import { download, get, qs } from './api.js';
import { clear, errorText, fmtTime, h, message, saveBlob, words } from './dom.js';

const KIND = {
  syncing_users: 'Check for updates (syncing users)',
  adding_users: 'Adding users',
  updating_user_roles: 'Updating user roles',
  removing_users: 'Removing users',
};
const STATUS = {
  queued: 'Queued',
  running: 'Running',
  retrying: 'Retrying',
  not_completed: 'Not completed',
  completed: 'Completed',
};
const TRIGGER = {
  web_app: 'Web app',
  workspace_policy: 'Workspace policy',
  scim: 'SCIM',
};

export const isActive = (task) => ['queued', 'running', 'retrying'].includes(task.status);

/** "members processed of total" while a task runs: a progressbar with a readable label. */
export function taskProgress(task) {
  if (!isActive(task)) return null;
  const p = task.progress;
  const label = p
    ? `${p.done} of ${p.total} members processed`
    : `${STATUS[task.status] ?? task.status}: waiting for the member count`;
  const bar = h('progress', { max: String(p?.total || 1), 'aria-label': 'Members processed' });
  if (p) bar.value = p.done;
  return h('div', { class: 'progress' }, bar, h('span', { class: 'progress-text', text: label }));
}

export async function automationView(container, ctx) {
  const apps = (await get('/api/integrations')).items;
  const labels = Object.fromEntries(apps.map((a) => [a.id, a.label]));
  const focusTask = ctx.params.get('task');
  const tbody = h('tbody');
  const status = h(
    'select',
    { id: 'task-status' },
    h('option', { value: '', text: 'Every status' }),
    Object.entries(STATUS).map(([v, t]) => h('option', { value: v, text: t })),
  );
  status.addEventListener('change', () => refresh());
  const app = h(
    'select',
    { id: 'task-app' },
    h('option', { value: '', text: 'Every app' }),
    apps.map((a) => h('option', { value: a.id, text: a.label })),
  );
  app.addEventListener('change', () => refresh());
  clear(
    container,
    h('div', { class: 'view-header' }, h('h1', { text: 'Automation' })),
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'field' }, h('label', { for: 'task-app', text: 'App' }), app),
      h('div', { class: 'field' }, h('label', { for: 'task-status', text: 'Status' }), status),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'tasks', 'aria-label': 'Automation tasks' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            [
              'Task',
              'App',
              'Status',
              'Progress',
              'Attempts',
              'Trigger',
              'Requested',
              'Error and evidence',
            ].map((c) => h('th', { scope: 'col', text: c })),
          ),
        ),
        tbody,
      ),
    ),
  );
  let last = '';
  async function refresh() {
    const page = await get(
      `/api/automation-tasks${qs({ integrationId: app.value, status: status.value, limit: 50 })}`,
    );
    ctx.pollFast(page.items.some(isActive));
    const key = JSON.stringify(page.items);
    if (key === last) return;
    last = key;
    if (page.items.length === 0) {
      clear(tbody, h('tr', {}, h('td', { colspan: '8', class: 'empty', text: 'No task yet.' })));
      return;
    }
    clear(
      tbody,
      page.items.map((t) => row(t)),
    );
  }

  function row(t) {
    const errorCell = h('td', {});
    if (t.error) {
      errorCell.append(
        h('p', { class: 'error-text', text: `${words(t.error.kind)}: ${t.error.message}` }),
      );
    }
    if (t.error?.evidence?.length && ctx.can('operator')) {
      const list = h('ul', { class: 'evidence' });
      errorCell.append(
        h('button', {
          type: 'button',
          class: 'link',
          text: 'Show evidence',
          'aria-label': `Show evidence of task ${t.id.slice(0, 8)}`,
          onclick: async (event) => {
            event.currentTarget.remove();
            try {
              const { items } = await get(`/api/automation-tasks/${t.id}/evidence`);
              clear(
                list,
                items.length
                  ? items.map((file) =>
                      h(
                        'li',
                        {},
                        h('button', {
                          type: 'button',
                          class: 'link',
                          text: `${file.name} (${Math.ceil(file.bytes / 1024)} kB)`,
                          onclick: async () => {
                            try {
                              const { blob } = await download(
                                `/api/automation-tasks/${t.id}/evidence/${encodeURIComponent(file.name)}`,
                              );
                              saveBlob(blob, file.name);
                            } catch (e) {
                              message('error', errorText(e));
                            }
                          },
                        }),
                      ),
                    )
                  : h('li', { text: 'No file kept.' }),
              );
            } catch (e) {
              message('error', errorText(e));
            }
          },
        }),
        list,
      );
    }
    if (!errorCell.hasChildNodes()) errorCell.textContent = '—';
    const summary = t.summary?.outcome ? ` · ${words(String(t.summary.outcome))}` : '';
    return h(
      'tr',
      { 'data-task': t.id, class: t.id === focusTask ? 'highlight' : undefined },
      h('th', { scope: 'row', text: KIND[t.kind] ?? words(t.kind) }),
      h('td', { text: labels[t.integrationId] ?? t.integrationId }),
      h(
        'td',
        {},
        h('span', { class: `badge status-${t.status}`, text: STATUS[t.status] ?? t.status }),
        summary,
      ),
      h(
        'td',
        {},
        taskProgress(t) ?? (t.progress ? `${t.progress.done} of ${t.progress.total}` : '—'),
      ),
      h('td', { text: String(t.attempts) }),
      h('td', { text: TRIGGER[t.trigger] ?? words(t.trigger) }),
      h('td', { text: `${fmtTime(t.createdAt)} by ${t.actor}` }),
      errorCell,
    );
  }
  await refresh();
  return { refresh };
}
