// Small DOM helpers: elements, menus, dialogs and message boxes, keyboard operable.
let counter = 0;
export const uid = (prefix) => `${prefix}-${++counter}`;

/** h('button', { type: 'button', onclick }, 'Text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'class') {
      el.className = value;
    } else if (key === 'text') {
      el.textContent = value;
    } else if (key in el && typeof value !== 'string') {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
  return el;
}

export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export const words = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ') : '');

let openMenu = null;

function closeOpenMenu(focusButton) {
  if (!openMenu) return;
  const { button, list } = openMenu;
  list.hidden = true;
  button.setAttribute('aria-expanded', 'false');
  openMenu = null;
  if (focusButton) button.focus();
}

document.addEventListener('click', (event) => {
  if (openMenu && !openMenu.wrap.contains(event.target)) closeOpenMenu(false);
});

export const menuIsOpen = () => openMenu !== null;

/**
 * A "More options" button opening a menu of menuitems: arrows, Home/End, Enter/Space,
 * Escape (focus back on the button), Tab closes.
 */
export function menuButton(label, items) {
  const id = uid('menu');
  const button = h(
    'button',
    {
      type: 'button',
      class: 'icon-button',
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
      'aria-controls': id,
      'aria-label': label,
      title: label,
    },
    h('span', { 'aria-hidden': 'true', text: '⋮' }),
  );
  const list = h('ul', { role: 'menu', id, class: 'menu', hidden: true, 'aria-label': label });
  const wrap = h('div', { class: 'menu-wrap' }, button, list);
  const entries = items.filter(Boolean);
  const nodes = entries.map((item) =>
    h(
      'li',
      {
        role: 'menuitem',
        tabindex: '-1',
        class: item.danger ? 'danger' : undefined,
        onclick: (event) => {
          event.stopPropagation();
          closeOpenMenu(false);
          item.onSelect(button);
        },
      },
      item.label,
    ),
  );
  list.append(...nodes);
  const focusAt = (i) => nodes[(i + nodes.length) % nodes.length]?.focus();
  const open = (at = 0) => {
    if (openMenu && openMenu.list !== list) closeOpenMenu(false);
    list.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    openMenu = { button, list, wrap };
    focusAt(at);
  };
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    if (!list.hidden) closeOpenMenu(true);
    else open(0);
  });
  button.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      open(0);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      open(nodes.length - 1);
    }
  });
  list.addEventListener('keydown', (event) => {
    const i = nodes.indexOf(document.activeElement);
    if (event.key === 'ArrowDown') focusAt(i + 1);
    else if (event.key === 'ArrowUp') focusAt(i - 1);
    else if (event.key === 'Home') focusAt(0);
    else if (event.key === 'End') focusAt(nodes.length - 1);
    else if (event.key === 'Escape') closeOpenMenu(true);
    else if (event.key === 'Tab') closeOpenMenu(false);
    else if (event.key === 'Enter' || event.key === ' ') nodes[i]?.click();
    else return;
    event.preventDefault();
  });
  return wrap;
}

let openDialogs = 0;
export const dialogIsOpen = () => openDialogs > 0;

/**
 * A modal dialog (native <dialog>: focus stays inside, Escape closes). `build(close)` returns
 * its content; focus goes back to `returnFocus` (or what had it) when it closes.
 */
export function dialog({ title, build, returnFocus, className }) {
  const titleId = uid('dialog-title');
  const opener = returnFocus ?? document.activeElement;
  const el = h('dialog', { 'aria-labelledby': titleId, class: className ?? 'dialog' });
  const close = () => {
    if (el.open) el.close();
  };
  el.addEventListener('close', () => {
    openDialogs -= 1;
    el.remove();
    if (opener && opener.isConnected) opener.focus();
  });
  el.append(h('h2', { id: titleId, text: title }), build(close, el));
  document.body.append(el);
  openDialogs += 1;
  el.showModal();
  const first = el.querySelector('input, select, textarea, button:not([data-cancel])');
  first?.focus();
  return { el, close };
}

/** A labelled field: <label for> + control (+ optional hint). */
export function field(labelText, control, hint) {
  const id = control.id || uid('field');
  control.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint`, text: hint }) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id, text: labelText }), control, hintEl);
}

let messages;
function messageRegion() {
  if (!messages || !messages.isConnected) {
    messages = h('div', { class: 'messages', 'aria-label': 'Messages' });
    document.body.append(messages);
  }
  return messages;
}

/**
 * A message box: success (role status) or failure (role alert), with an optional action
 * (e.g. More details) and a close button.
 */
export function message(kind, text, action) {
  const box = h(
    'div',
    { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('p', { text }),
  );
  const dismiss = () => box.remove();
  const buttons = h('div', { class: 'message-actions' });
  if (action) {
    buttons.append(
      h('button', {
        type: 'button',
        class: 'link',
        text: action.label,
        onclick: () => {
          dismiss();
          action.onSelect();
        },
      }),
    );
  }
  buttons.append(
    h('button', {
      type: 'button',
      class: 'link',
      'aria-label': 'Close message',
      text: 'Close',
      onclick: dismiss,
    }),
  );
  box.append(buttons);
  const region = messageRegion();
  region.prepend(box);
  while (region.children.length > 3) region.lastElementChild.remove();
  setTimeout(dismiss, kind === 'error' ? 20_000 : 8_000);
  return box;
}

export function errorText(error) {
  const body = error?.body;
  if (!body) return error?.message ?? String(error);
  let text = body.message ?? `HTTP ${error.status}`;
  if (error.status === 403) text = `Your key's role does not allow this: ${text}`;
  return text;
}

/** Saves a Blob as a file (an object URL, revoked once clicked). */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, class: 'visually-hidden', text: filename });
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
    a.remove();
  }, 1000);
}

export async function sha256Hex(blob) {
  if (!crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
