import { existsSync } from 'node:fs';

import { chromium, type Browser } from 'playwright';

/** Flags that keep headless Chromium quiet and offline apart from the pages we open. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Without these, every navigation moves the tab to a fresh renderer process (kept for the
  // back/forward cache): measured here at +40% CPU per page load, and we load thousands.
  '--disable-back-forward-cache',
  '--disable-features=BackForwardCache,ProactivelySwapBrowsingInstance,RenderDocument',
] as const;

export const CHROMIUM_CANDIDATES = [
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chromium',
] as const;

export class BrowserNotFound extends Error {
  override readonly name = 'BrowserNotFound';
}

/**
 * PLAYWRIGHT_CHROMIUM_PATH when set (it must exist), else Debian's headless shell (faster to
 * start and to render), else full Chromium. Playwright cannot download browsers here.
 */
export function resolveChromiumPath(
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): string {
  const configured = env.PLAYWRIGHT_CHROMIUM_PATH?.trim();
  if (configured) {
    if (!exists(configured)) {
      throw new BrowserNotFound(`PLAYWRIGHT_CHROMIUM_PATH=${configured} does not exist`);
    }
    return configured;
  }
  const found = CHROMIUM_CANDIDATES.find((p) => exists(p));
  if (!found) {
    throw new BrowserNotFound(
      `no Chromium at ${CHROMIUM_CANDIDATES.join(' or ')}; install chromium-headless-shell ` +
        'or set PLAYWRIGHT_CHROMIUM_PATH',
    );
  }
  return found;
}

interface Shared {
  browser: Promise<Browser>;
  users: number;
}

/** One browser per process, shared by every gateway; each login gets its own context. */
let shared: Shared | undefined;

export async function acquireBrowser(executablePath?: string): Promise<Browser> {
  if (!shared) {
    const launching = chromium.launch({
      executablePath: executablePath ?? resolveChromiumPath(),
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
    const entry: Shared = { browser: launching, users: 0 };
    shared = entry;
    launching.then(
      (browser) =>
        browser.on('disconnected', () => {
          // A crashed browser is relaunched by the next caller instead of failing forever.
          if (shared === entry) shared = undefined;
        }),
      () => {
        if (shared === entry) shared = undefined;
      },
    );
  }
  const entry = shared;
  entry.users += 1;
  try {
    return await entry.browser;
  } catch (e) {
    entry.users -= 1;
    throw e;
  }
}

/** Closes the browser when its last user lets go. */
export async function releaseBrowser(browser: Browser): Promise<void> {
  const entry = shared;
  if (!entry || (await entry.browser.catch(() => undefined)) !== browser) return;
  entry.users -= 1;
  if (entry.users > 0) return;
  shared = undefined;
  await browser.close().catch(() => undefined);
}
