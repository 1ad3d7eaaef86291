// Pieces shared by the report and the history views.
import { download, get, post } from './api.js';
import { clear, errorText, h, message, saveBlob, sha256Hex } from './dom.js';

/** An "App" select that moves the view to another integration. */
export async function appPicker(current, onPick) {
  const apps = (await get('/api/integrations')).items;
  const select = h(
    'select',
    { id: 'app-picker' },
    apps.map((a) => h('option', { value: a.id, text: a.label, selected: a.id === current })),
  );
  select.addEventListener('change', () => onPick(select.value));
  return {
    apps,
    element: h('div', { class: 'field' }, h('label', { for: 'app-picker', text: 'App' }), select),
  };
}

/**
 * Requests a reproducible evidence export, downloads its bytes with the key, and shows the
 * sha256 the service recorded beside the one computed from what arrived.
 */
export function exportButton(label, request, out) {
  return h('button', {
    type: 'button',
    text: label,
    onclick: async () => {
      try {
        const meta = await post('/api/exports', { format: 'ndjson', ...request() });
        const { blob } = await download(`/api/exports/${meta.id}/content`);
        const filename = `${meta.kind}-${meta.id}.${meta.format}`;
        saveBlob(blob, filename);
        const local = await sha256Hex(blob);
        clear(
          out,
          h('p', {}, `Downloaded ${filename} (${meta.bytes} bytes, at position ${meta.position}).`),
          h('p', {}, 'sha256: ', h('code', { class: 'sha', text: meta.sha256 })),
          local === null
            ? null
            : h('p', {
                text:
                  local === meta.sha256
                    ? 'The downloaded file matches this sha256.'
                    : `The downloaded file does not match: ${local}`,
              }),
        );
        message('success', `Export ready: ${filename}`);
      } catch (e) {
        message('error', `Export failed: ${errorText(e)}`);
      }
    },
  });
}
