#!/usr/bin/env node
// The end-to-end suites drive a real headless Chromium. Playwright cannot download its own
// browser here, so Debian's is installed when none is found (root only), else we say how.
const { existsSync } = require('node:fs');
const { execSync } = require('node:child_process');

const candidates = [
  process.env.PLAYWRIGHT_CHROMIUM_PATH,
  '/usr/bin/chromium-headless-shell',
  '/usr/bin/chromium',
].filter(Boolean);

if (candidates.some((p) => existsSync(p))) process.exit(0);

// `npm start` can run without a browser (only checks and actions need one): warn, don't stop.
const warnOnly = process.argv.includes('--warn-only');
const giveUp = () => process.exit(warnOnly ? 0 : 1);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  console.error(
    'No Chromium found. Install one with: sudo apt-get install -y chromium-headless-shell ' +
      '(or set PLAYWRIGHT_CHROMIUM_PATH to a Chromium binary).',
  );
  giveUp();
}
console.error("No Chromium found: installing Debian's chromium-headless-shell…");
try {
  execSync(
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell',
    {
      stdio: 'inherit',
    },
  );
} catch {
  console.error(
    'apt-get could not install chromium-headless-shell; install it (or chromium) by hand.',
  );
  giveUp();
}
