// The public REST API with the signed-in key. The key lives in this tab's sessionStorage
// only: never a cookie, never a URL.
const KEY = 'governance.apiKey';

export const session = {
  get key() {
    return sessionStorage.getItem(KEY);
  },
  set(key) {
    sessionStorage.setItem(KEY, key);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

function headers(key, json) {
  const out = { authorization: `Bearer ${key}` };
  if (json) out['content-type'] = 'application/json';
  return out;
}

async function send(method, path, body, key = session.key) {
  const res = await fetch(path, {
    method,
    headers: headers(key, body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (res.status === 401 && key === session.key) {
    window.dispatchEvent(new CustomEvent('governance:unauthorized'));
  }
  return res;
}

export async function api(method, path, body, key) {
  const res = await send(method, path, body, key);
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed;
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/** A file behind the API key: its bytes, media type and ETag. */
export async function download(path) {
  const res = await send('GET', path);
  if (!res.ok) {
    const text = await res.text();
    throw new ApiError(res.status, text ? JSON.parse(text) : null);
  }
  return {
    blob: await res.blob(),
    type: res.headers.get('content-type') ?? '',
    etag: res.headers.get('etag'),
  };
}

export const qs = (params) => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  }
  const s = search.toString();
  return s ? `?${s}` : '';
};
