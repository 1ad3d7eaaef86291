import { BrowserNotFound, resolveChromiumPath } from './browser';

describe('resolveChromiumPath', () => {
  const only =
    (...present: string[]) =>
    (p: string): boolean =>
      present.includes(p);

  it('prefers PLAYWRIGHT_CHROMIUM_PATH when it exists', () => {
    // given the variable points at an existing binary
    const env = { PLAYWRIGHT_CHROMIUM_PATH: '/opt/chrome/chrome' };

    // when resolving
    const path = resolveChromiumPath(env, only('/opt/chrome/chrome', '/usr/bin/chromium'));

    // then the configured one wins
    expect(path).toBe('/opt/chrome/chrome');
  });

  it('refuses a configured path that does not exist instead of silently using another', () => {
    expect(() =>
      resolveChromiumPath({ PLAYWRIGHT_CHROMIUM_PATH: '/nope' }, only('/usr/bin/chromium')),
    ).toThrow(BrowserNotFound);
  });

  it('defaults to the headless shell', () => {
    const path = resolveChromiumPath(
      {},
      only('/usr/bin/chromium-headless-shell', '/usr/bin/chromium'),
    );
    expect(path).toBe('/usr/bin/chromium-headless-shell');
  });

  it('falls back to full Chromium when the headless shell is missing', () => {
    expect(resolveChromiumPath({}, only('/usr/bin/chromium'))).toBe('/usr/bin/chromium');
  });

  it('says how to fix it when no browser is installed', () => {
    expect(() => resolveChromiumPath({}, only())).toThrow(/chromium-headless-shell/);
  });
});
