// The dashboard's shell: sign-in, navigation, the hash router and the poller.
import { api, ApiError, session } from './api.js';
import { clear, dialogIsOpen, errorText, field, h, menuIsOpen } from './dom.js';
import { appsView } from './apps.js';
import { membersView } from './members.js';
import { automationView } from './automation.js';
import { reportView } from './report.js';
import { historyView } from './history.js';

const root = document.getElementById('root');
const ROLES = ['auditor', 'operator', 'admin'];

const state = { me: null, view: null, timer: null, fast: false, routes: 0 };

/** What the signed-in key may do: an auditor sees no write buttons. */
export const can = (needed) => ROLES.indexOf(state.me?.role ?? 'auditor') >= ROLES.indexOf(needed);

function signInPage(problem) {
  const input = h('input', {
    type: 'password',
    name: 'apiKey',
    autocomplete: 'off',
    required: true,
    spellcheck: 'false',
  });
  const error = h('p', { class: 'form-error', role: 'alert', text: problem ?? '' });
  const form = h(
    'form',
    {
      class: 'sign-in',
      'aria-labelledby': 'sign-in-title',
      onsubmit: async (event) => {
        event.preventDefault();
        const key = input.value.trim();
        if (!key) return;
        try {
          state.me = await api('GET', '/api/me', undefined, key);
          session.set(key);
          input.value = '';
          if (!location.hash || location.hash === '#/') location.hash = '#/apps';
          shell();
        } catch (e) {
          error.textContent =
            e instanceof ApiError && e.status === 401
              ? 'This API key was not accepted.'
              : `Could not sign in: ${errorText(e)}`;
          input.focus();
        }
      },
    },
    h('h1', { id: 'sign-in-title', text: 'Pinterest access governance' }),
    h('p', { text: 'Sign in with a workspace API key.' }),
    field('API key', input),
    error,
    h('button', { type: 'submit', class: 'primary', text: 'Sign in' }),
  );
  clear(root, h('main', { id: 'main', class: 'sign-in-page' }, form));
  input.focus();
}

const NAV = [
  ['#/apps', 'Apps'],
  ['#/automation', 'Automation'],
  ['#/report', 'Deprovision report'],
  ['#/history', 'History and access'],
];

function shell() {
  const main = h('main', { id: 'main', tabindex: '-1' });
  const nav = h(
    'nav',
    { 'aria-label': 'Main' },
    h(
      'ul',
      {},
      NAV.map(([href, label]) => h('li', {}, h('a', { href, 'data-nav': href, text: label }))),
    ),
  );
  const who = h(
    'p',
    { class: 'who' },
    `${state.me.name} · `,
    h('span', { class: 'role', text: state.me.role }),
  );
  const signOut = h('button', {
    type: 'button',
    class: 'link',
    text: 'Sign out',
    onclick: () => {
      session.clear();
      state.me = null;
      location.hash = '';
      signInPage();
    },
  });
  clear(
    root,
    h(
      'header',
      { class: 'top' },
      h('p', { class: 'brand', text: 'Access governance' }),
      h('div', { class: 'who-wrap' }, who, signOut),
    ),
    h('div', { class: 'layout' }, nav, main),
  );
  route();
}

function parseHash() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  return { parts: path.split('/').filter(Boolean), params: new URLSearchParams(query) };
}

export function navigate(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/** Views ask for quick polling while a task runs. */
export function pollFast(on) {
  state.fast = on;
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(
    async () => {
      const view = state.view;
      // A refresh never pulls a menu or a dialog out from under the person using it.
      if (view?.refresh && !document.hidden && !menuIsOpen() && !dialogIsOpen()) {
        try {
          await view.refresh();
        } catch {
          // The next round tries again; an action's own errors are shown by the action.
        }
      }
      if (state.view === view) schedule();
    },
    state.fast ? 1000 : 3000,
  );
}

async function route() {
  const main = document.getElementById('main');
  if (!main || !state.me) return;
  const { parts, params } = parseHash();
  const [section, id, sub] = parts;
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.getAttribute('data-nav') === `#/${section ?? 'apps'}`)
      a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const token = ++state.routes;
  state.view = null;
  state.fast = false;
  const ctx = { can, navigate, pollFast, params };
  // Each view renders into its own container, shown once ready: a slower, older route
  // cannot overwrite a newer one.
  const container = h('div', { class: 'view' });
  let view;
  try {
    if (section === 'apps' && id && sub === 'members') view = await membersView(container, id, ctx);
    else if (section === 'automation') view = await automationView(container, ctx);
    else if (section === 'report') view = await reportView(container, id, ctx);
    else if (section === 'history') view = await historyView(container, id, ctx);
    else view = await appsView(container, ctx);
    if (token !== state.routes) return;
    clear(main, container);
  } catch (e) {
    if (token !== state.routes) return;
    clear(
      main,
      h('h1', { text: 'Something went wrong' }),
      h('p', { role: 'alert', text: errorText(e) }),
    );
    return;
  }
  state.view = view;
  const heading = main.querySelector('h1');
  if (heading) document.title = `${heading.textContent} · Access governance`;
  schedule();
}

window.addEventListener('hashchange', route);
window.addEventListener('governance:unauthorized', () => {
  session.clear();
  state.me = null;
  signInPage('Your session ended: sign in again.');
});

async function start() {
  const key = session.key;
  if (!key) return signInPage();
  try {
    state.me = await api('GET', '/api/me');
    if (!location.hash || location.hash === '#/') location.hash = '#/apps';
    shell();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) signInPage(errorText(e));
  }
}

start();
