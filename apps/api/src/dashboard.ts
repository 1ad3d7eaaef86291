import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { INestApplication } from '@nestjs/common';
import { OPENAPI_UI_PATH } from '@app/governance';

/**
 * The dashboard: static ES modules and one stylesheet from apps/api/public, no build step,
 * nothing fetched from elsewhere. It calls the public API with the key kept in the tab's
 * sessionStorage, so these files hold no data and need no key.
 */
export const DASHBOARD_DIR = join(__dirname, '..', 'public');
export const DASHBOARD_ASSETS = '/ui/';

/** No inline script or style, no other origin; blob: only for evidence and export downloads. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Swagger UI: its scripts are files served beside it (swagger-ui-dist, the init script), but
 * its page carries a <style> block and React sets style attributes, and its icons are data:
 * URIs. Scripts stay 'self' only.
 */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** JSON answers (REST, GraphQL, SCIM, health): nothing in them may load or run anything. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

/** Read once at start: a handful of small files, served from memory, gzipped when accepted. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    const path = name === 'index.html' ? '/' : `${DASHBOARD_ASSETS}${name}`;
    assets.set(path, { type, body, gzip: gzipSync(body, { level: 9 }), etag });
  }
  return assets;
}

interface Req {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}
interface Res {
  setHeader(name: string, value: string | number): unknown;
  statusCode: number;
  end(body?: Buffer): unknown;
}

function header(req: Req, name: string): string {
  const v = req.headers[name];
  return (Array.isArray(v) ? v.join(',') : v) ?? '';
}

/**
 * Serves `/` and `/ui/*` and sets the Content-Security-Policy of every answer: the
 * dashboard's, Swagger UI's, or the API's. Registered before Swagger and the routes.
 */
export function serveDashboard(app: INestApplication, dir = DASHBOARD_DIR): void {
  const assets = loadAssets(dir);
  const docs = `/${OPENAPI_UI_PATH}`;
  app.use((req: Req, res: Res, next: () => void) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const asset = req.method === 'GET' || req.method === 'HEAD' ? assets.get(req.path) : undefined;
    if (!asset) {
      const isDocs = req.path === docs || req.path.startsWith(`${docs}/`);
      // The evidence route sets a stricter one (sandbox) itself.
      res.setHeader('Content-Security-Policy', isDocs ? DOCS_CSP : API_CSP);
      return next();
    }
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Type', asset.type);
    // Revalidated on every load (a 304 costs a round trip, not the bytes): a new release is
    // seen at once without a build that fingerprints file names.
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('ETag', asset.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (header(req, 'if-none-match') === asset.etag) {
      res.statusCode = 304;
      return res.end();
    }
    const gzip = /\bgzip\b/.test(header(req, 'accept-encoding'));
    const body = gzip ? asset.gzip : asset.body;
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.setHeader('Content-Length', body.length);
    res.statusCode = 200;
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}
