/**
 * The little client-side behaviour the pages need: action menus and modal dialogs. Plain
 * JavaScript sent inline, because the simulator has no build step for browser code.
 *
 * A dialog opener (`data-dialog` = dialog id) takes its values from the nearest `[data-row]`
 * element's data attributes (e.g. data-member-id → memberId) plus its own `data-fields`
 * JSON. The dialog uses them to fill its inputs, its form's `data-action` template and any
 * `data-template` text, so a 100-row table carries each person's data once.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  function menuOf(button) { return document.getElementById(button.getAttribute('aria-controls')); }
  function closeMenus(except) {
    document.querySelectorAll('[aria-haspopup="menu"][aria-expanded="true"]').forEach(function (b) {
      if (b === except) return;
      b.setAttribute('aria-expanded', 'false');
      var m = menuOf(b);
      if (m) m.hidden = true;
    });
  }
  function fieldsOf(opener) {
    var out = {};
    var row = opener.closest('[data-row]');
    if (row) Object.keys(row.dataset).forEach(function (k) { if (k !== 'row') out[k] = row.dataset[k]; });
    var own = JSON.parse(opener.getAttribute('data-fields') || '{}');
    Object.keys(own).forEach(function (k) { out[k] = own[k]; });
    return out;
  }
  function fill(template, fields, encode) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      var v = fields[key] == null ? '' : String(fields[key]);
      return encode ? encodeURIComponent(v) : v;
    });
  }
  function showTypes(dialog, type) {
    dialog.querySelectorAll('[data-types]').forEach(function (el) {
      var offered = !type || el.getAttribute('data-types').split(' ').indexOf(type) >= 0;
      el.hidden = !offered;
      if (!offered) el.querySelectorAll('input').forEach(function (i) { i.checked = false; });
    });
  }
  function openDialog(opener) {
    var dialog = document.getElementById(opener.getAttribute('data-dialog'));
    if (!dialog) return;
    var fields = fieldsOf(opener);
    var form = dialog.querySelector('form');
    if (form) {
      form.reset();
      var action = form.getAttribute('data-action');
      if (action) form.setAttribute('action', fill(action, fields, true));
    }
    Object.keys(fields).forEach(function (name) {
      var value = fields[name];
      var list = Array.isArray(value) ? value : String(value).split(',');
      dialog.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
        if (input.type === 'checkbox') input.checked = list.indexOf(input.value) >= 0;
        else if (input.type === 'radio') input.checked = input.value === value;
        else input.value = value;
      });
    });
    dialog.querySelectorAll('[data-template]').forEach(function (el) {
      el.textContent = fill(el.getAttribute('data-template'), fields, false);
    });
    var type = fields.assetType;
    var select = dialog.querySelector('select[data-asset-select]');
    if (!type && select && select.selectedOptions[0]) type = select.selectedOptions[0].getAttribute('data-type');
    showTypes(dialog, type);
    dialog.showModal();
  }
  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var menuButton = target.closest('[aria-haspopup="menu"]');
    if (menuButton) {
      var open = menuButton.getAttribute('aria-expanded') === 'true';
      closeMenus(menuButton);
      var menu = menuOf(menuButton);
      // One menu serves every row of a table: it moves next to the button that opened it.
      if (menu && menu.hasAttribute('data-shared')) menuButton.parentNode.appendChild(menu);
      menuButton.setAttribute('aria-expanded', String(!open));
      if (menu) menu.hidden = open;
      return;
    }
    var opener = target.closest('[data-dialog]');
    if (opener) { closeMenus(null); openDialog(opener); return; }
    var closer = target.closest('[data-close]');
    if (closer) { var d = closer.closest('dialog'); if (d) d.close(); return; }
    if (!target.closest('[role="menu"]')) closeMenus(null);
  });
  document.addEventListener('change', function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute('data-asset-select')) return;
    var option = select.selectedOptions[0];
    showTypes(select.closest('dialog'), option ? option.getAttribute('data-type') : null);
  });
  document.addEventListener('keydown', function (event) { if (event.key === 'Escape') closeMenus(null); });
  document.querySelectorAll('dialog[data-open-on-load]').forEach(function (d) { d.showModal(); });
})();
`;

export const STYLES = `
*{box-sizing:border-box}[hidden]{display:none!important}body{margin:0;font:14px/1.45 system-ui,sans-serif;color:#111;background:#fafafa}
header{display:flex;gap:16px;align-items:center;padding:10px 20px;background:#fff;border-bottom:1px solid #ddd}
header .brand{font-weight:700;color:#e60023;text-decoration:none;margin-right:auto}
.layout{display:flex}nav.side{width:200px;padding:16px}nav.side ul{list-style:none;padding:0;margin:0}
nav.side a{display:block;padding:6px 10px;border-radius:8px;color:#111;text-decoration:none}
nav.side a[aria-current=page]{background:#efefef;font-weight:600}
main{flex:1;padding:16px 24px;max-width:1100px}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 16px}
ul.assigned{margin:0;padding-left:16px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eee;vertical-align:top}
button,.button{font:inherit;padding:6px 12px;border-radius:16px;border:1px solid #ccc;background:#efefef;cursor:pointer}
button.primary{background:#e60023;color:#fff;border-color:#e60023}
.menu-wrap{position:relative;display:inline-block}
[role=menu]{position:absolute;right:0;z-index:5;background:#fff;border:1px solid #ccc;border-radius:8px;padding:4px;min-width:140px}
[role=menu] button{display:block;width:100%;text-align:left;border:0;background:none;border-radius:6px}
[role=status]{background:#e6f4ea;padding:8px 12px;border-radius:8px}
[role=alert]{background:#fdecea;padding:8px 12px;border-radius:8px}
dialog{border:0;border-radius:16px;padding:20px;min-width:360px;box-shadow:0 4px 24px rgba(0,0,0,.25)}
dialog .buttons{display:flex;gap:8px;justify-content:flex-end;margin-top:16px}
fieldset{border:0;padding:0;margin:8px 0}label{display:block;margin:4px 0}
form.search{display:flex;gap:8px;align-items:end;flex-wrap:wrap}
.pagination{display:flex;gap:12px;align-items:center}
footer{padding:16px 20px;color:#767676;font-size:12px}
`;
