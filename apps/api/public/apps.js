// Apps: one card per integration, its More options menu, and the Connect app dialog.
import { del, get, post } from './api.js';
import { clear, dialog, errorText, field, fmtTime, h, menuButton, message, words } from './dom.js';
import { taskProgress } from './automation.js';

const HEALTH = {
  healthy: 'Healthy',
  requires_sync: 'Requires sync',
  review_service_account: 'Review service account',
  review_configuration: 'Review configuration',
  awaiting_authorization: 'Awaiting authorization',
};

export async function appsView(container, ctx) {
  const list = h('div', { class: 'cards', 'aria-live': 'off' });
  const header = h(
    'div',
    { class: 'view-header' },
    h('h1', { text: 'Apps' }),
    ctx.can('admin')
      ? h('button', {
          type: 'button',
          class: 'primary',
          text: 'Connect app',
          onclick: (e) => connectDialog(e.currentTarget, ctx, refresh),
        })
      : null,
  );
  clear(container, header, list);
  let last = '';

  async function refresh() {
    const { items } = await get('/api/integrations');
    const running = items.filter((i) => i.activeTaskId);
    const tasks = await Promise.all(
      running.map((i) => get(`/api/automation-tasks/${i.activeTaskId}`).catch(() => null)),
    );
    const key = JSON.stringify([items, tasks]);
    ctx.pollFast(running.length > 0);
    if (key === last) return;
    last = key;
    if (items.length === 0) {
      clear(list, h('p', { class: 'empty', text: 'No app connected yet.' }));
      return;
    }
    clear(
      list,
      items.map((app) =>
        card(
          app,
          tasks.find((t) => t?.id === app.activeTaskId),
          ctx,
          refresh,
        ),
      ),
    );
  }
  await refresh();
  return { refresh };
}

function card(app, task, ctx, refresh) {
  const titleId = `app-${app.id}`;
  const items = [
    { label: 'View Members', onSelect: () => ctx.navigate(`#/apps/${app.id}/members`) },
    ctx.can('operator') && {
      label: 'Check for updates',
      onSelect: () => checkForUpdates(app, ctx, refresh),
    },
    { label: 'Deprovision report', onSelect: () => ctx.navigate(`#/report/${app.id}`) },
    { label: 'History and access', onSelect: () => ctx.navigate(`#/history/${app.id}`) },
    ctx.can('admin') && {
      label: 'Disconnect',
      danger: true,
      onSelect: (button) => disconnectDialog(app, button, refresh),
    },
  ];
  const counts = app.memberCounts;
  return h(
    'article',
    { class: 'card', 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'card-head' },
      h('h2', { id: titleId, text: app.label }),
      menuButton(`More options for ${app.label}`, items),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', { text: 'Business ID' }),
      h('dd', { text: app.businessId }),
      h('dt', { text: 'Health' }),
      h(
        'dd',
        {},
        h('span', { class: `badge health-${app.health}`, text: HEALTH[app.health] ?? app.health }),
        app.healthReason ? h('span', { class: 'reason', text: ` ${app.healthReason}` }) : null,
      ),
      h('dt', { text: 'Last check' }),
      h(
        'dd',
        {},
        app.lastCheck
          ? `${fmtTime(app.lastCheck.at)} · ${words(app.lastCheck.result)}`
          : 'Never checked',
      ),
      h('dt', { text: 'Connector' }),
      h('dd', { text: app.connector === 'api' ? 'Pinterest API' : 'Browser automation' }),
    ),
    h(
      'ul',
      { class: 'counts', 'aria-label': 'Members per tab' },
      h('li', {}, h('strong', { text: counts.unmatched }), ' Unmatched users'),
      h('li', {}, h('strong', { text: counts.onboarded }), ' Onboarded users'),
      h('li', {}, h('strong', { text: counts.exempted }), ' Exempted users'),
    ),
    task ? taskProgress(task) : null,
  );
}

async function checkForUpdates(app, ctx, refresh) {
  try {
    const { taskId } = await post(`/api/integrations/${app.id}/check-for-updates`, {});
    message(
      'success',
      `Check for updates started for ${app.label}. Members, assets and roles are being imported; this may take a few minutes.`,
      { label: 'More details', onSelect: () => ctx.navigate(`#/automation?task=${taskId}`) },
    );
    ctx.pollFast(true);
    await refresh();
  } catch (e) {
    message('error', `Check for updates failed: ${errorText(e)}`);
  }
}

function disconnectDialog(app, returnFocus, refresh) {
  dialog({
    title: `Disconnect ${app.label}?`,
    returnFocus,
    build: (close) =>
      h(
        'div',
        {},
        h('p', {
          text: 'The app stops being checked and managed. Its history stays available.',
        }),
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', 'data-cancel': '', text: 'Cancel', onclick: close }),
          h('button', {
            type: 'button',
            class: 'danger',
            text: 'Disconnect',
            onclick: async () => {
              try {
                await del(`/api/integrations/${app.id}`);
                close();
                message('success', `${app.label} was disconnected.`);
                await refresh();
              } catch (e) {
                message('error', `Disconnect failed: ${errorText(e)}`);
              }
            },
          }),
        ),
      ),
  });
}

async function connectDialog(returnFocus, ctx, refresh) {
  let accounts = [];
  try {
    accounts = (await get('/api/automation-accounts')).items;
  } catch {
    // Adding a new automation account still works.
  }
  dialog({
    title: 'Connect app',
    returnFocus,
    build: (close) => {
      const label = h('input', { name: 'label', required: true, maxlength: '100' });
      const businessId = h('input', {
        name: 'businessId',
        required: true,
        inputmode: 'numeric',
        pattern: '[0-9]{1,20}',
      });
      const method = h(
        'select',
        { name: 'loginMethod' },
        h('option', { value: 'sso', text: 'Single sign-on (SSO)' }),
        h('option', { value: 'password', text: 'Username and password' }),
      );
      const account = h(
        'select',
        { name: 'automationAccount' },
        accounts.map((a) => h('option', { value: a.id, text: `${a.label} (${a.email})` })),
        h('option', { value: 'new', text: 'Add automation account' }),
      );
      const accLabel = h('input', { name: 'accountLabel' });
      const accEmail = h('input', { name: 'accountEmail', type: 'email', autocomplete: 'off' });
      const accPassword = h('input', {
        name: 'accountPassword',
        type: 'password',
        autocomplete: 'new-password',
      });
      const accPhone = h('input', { name: 'accountPhone', type: 'tel' });
      const newAccount = h(
        'fieldset',
        { class: 'new-account' },
        h('legend', { text: 'Add automation account' }),
        field('Account label', accLabel),
        field('Email linked to account', accEmail),
        field('Current password', accPassword),
        field('Phone number linked to account (optional)', accPhone),
      );
      const syncNew = () => {
        const isNew = account.value === 'new';
        newAccount.hidden = !isNew;
        for (const input of [accLabel, accEmail, accPassword]) input.required = isNew;
      };
      account.addEventListener('change', syncNew);
      syncNew();
      const error = h('p', { class: 'form-error', role: 'alert' });
      return h(
        'form',
        {
          onsubmit: async (event) => {
            event.preventDefault();
            const body = {
              label: label.value.trim(),
              businessId: businessId.value.trim(),
              loginMethod: method.value,
              automationAccount:
                account.value === 'new'
                  ? {
                      label: accLabel.value.trim(),
                      email: accEmail.value.trim(),
                      password: accPassword.value,
                      ...(accPhone.value.trim() ? { phone: accPhone.value.trim() } : {}),
                    }
                  : { id: account.value },
            };
            try {
              const app = await post('/api/integrations', body);
              close();
              message(
                'success',
                `${app.label} was connected. Check for updates to import its members.`,
              );
              await refresh();
            } catch (e) {
              error.textContent = errorText(e);
            }
          },
        },
        field('Label', label, 'The name shown on the app card.'),
        field('Business ID', businessId, 'Business Manager → Business information.'),
        field('User management and login method', method),
        field('Automation account', account),
        newAccount,
        error,
        h(
          'div',
          { class: 'actions' },
          h('button', { type: 'button', 'data-cancel': '', text: 'Cancel', onclick: close }),
          h('button', { type: 'submit', class: 'primary', text: 'Connect app' }),
        ),
      );
    },
  });
}
