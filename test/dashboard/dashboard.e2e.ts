import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { expect as playwrightExpect } from 'playwright/test';
import { CHROMIUM_ARGS, resolveChromiumPath } from '@app/pinterest';
import {
  ADMIN_KEY,
  eventually,
  type ServiceHarness,
  startService,
} from '../support/service-harness';
import { AUTOMATION, BUSINESS_ID, fixtureOf, trickyBusiness } from '../governance/fixture';

/** Screenshots of each view: git-ignored, kept after the run for a person to look at. */
export const SCREENSHOTS = join(__dirname, '../../.tmp/dashboard-e2e');
/** Playwright's web-first assertions (they wait), for locators; Jest's expect for values. */
const expectUi = playwrightExpect.configure({ timeout: 20_000 });
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

interface Member {
  id: string;
  name: string;
  tab: string;
  status: string;
}

describe('the dashboard in Chromium: the seed walkthrough by roles and names', () => {
  let svc: ServiceHarness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let integrationId: string;
  /** Just before the report was applied, as a datetime-local value (local wall time). */
  let beforeRemoval = '';
  const identity: Record<string, string> = {};
  /** Content-Security-Policy violations and requests to any other origin, on every page. */
  const violations: string[] = [];
  const foreign: string[] = [];

  const shot = (name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const sim = (path: string, body: unknown) =>
    fetch(`${svc.simulator.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const memberByName = async (name: string) => {
    for (const tab of ['unmatched', 'onboarded', 'exempted']) {
      const res = await svc.api<{ items: Member[] }>(
        'GET',
        `/api/integrations/${integrationId}/members?tab=${tab}&search=${encodeURIComponent(name)}`,
      );
      const found = res.body.items.find((m) => m.name === name);
      if (found) return found;
    }
    return null;
  };
  const row = (name: string) => page.getByRole('row', { name: new RegExp(name) });
  const nav = (name: string) =>
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });
  const rowMenu = async (name: string, item: string) => {
    await row(name).getByRole('button', { name: 'More options' }).click();
    await page.getByRole('menuitem', { name: item }).click();
  };
  const watch = (p: Page) => {
    p.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    p.on('request', (r) => {
      const url = new URL(r.url());
      if (!['http:', 'https:'].includes(url.protocol)) return;
      if (url.origin !== new URL(svc.url).origin) foreign.push(r.url());
    });
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const business = trickyBusiness();
    svc = await startService(
      fixtureOf({
        ...business,
        members: [
          ...business.members,
          { id: '1006', name: 'Gus Temp', email: 'gus@agency.example', role: 'EMPLOYEE' },
          { id: '1007', name: 'Hal Vendor', email: 'hal@vendor.example', role: 'EMPLOYEE' },
          // Enough unmatched people for a second page of the tab (pages of 50, by name).
          ...Array.from({ length: 60 }, (_, i) => ({
            id: String(2000 + i),
            name: `Temp Worker ${String(i + 1).padStart(2, '0')}`,
            email: `temp${i + 1}@staffing.example`,
            role: 'EMPLOYEE' as const,
          })),
        ],
      }),
      // Low enough that one leaver of 70 members needs the safeguard's confirmation.
      { DEPROVISION_SAFEGUARD_PERCENT: '1' },
    );
    for (const [key, email, name] of [
      ['ann', 'ann.lee@acme.example', 'Ann Lee'],
      ['bob', 'bob@acme.example', 'Bob Stone'],
      ['robot', AUTOMATION.email, 'Acme Robot'],
      // Dan's directory entry has another email: only a person can match them.
      ['dan', 'dan.outsider@acme.example', 'Dan Outsider'],
    ]) {
      const res = await svc.scim<{ id: string }>('POST', '/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: email,
        displayName: name,
        emails: [{ value: email, primary: true }],
        active: true,
      });
      expect(res.status).toBe(201);
      identity[key] = res.body.id;
    }
    browser = await chromium.launch({
      executablePath: resolveChromiumPath(),
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    watch(page);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await svc?.close();
  });

  it('given the sign-in page, when an admin signs in with the API key, then the Apps view shows and the key is in session storage only', async () => {
    const res = await page.goto(svc.url);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.getByLabel('API key').fill('not-a-key-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectUi(page.getByRole('alert')).toHaveText('This API key was not accepted.');
    await page.getByLabel('API key').fill(ADMIN_KEY);
    await shot('01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
    expect(await context.cookies()).toEqual([]);
    expectUi(page.url()).not.toContain(ADMIN_KEY);
    const stored = await page.evaluate('Object.values(sessionStorage)');
    expect(stored).toEqual([ADMIN_KEY]);
    expect(await page.evaluate('localStorage.length')).toBe(0);
  });

  it('given the dashboard files, when fetched, then they come gzipped with an ETag that revalidates to 304, under the dashboard CSP; API answers carry a CSP that allows nothing', async () => {
    const first = await fetch(`${svc.url}/ui/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(first.headers.get('content-encoding')).toBe('gzip');
    expect(first.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await first.text()).toContain('export const can');
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${svc.url}/ui/app.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const api = await fetch(`${svc.url}/api/integrations`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(api.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    expect((await fetch(`${svc.url}/ui/missing.js`)).status).toBe(404);
  });

  it('given the Apps view, when an app is connected through the Connect app dialog, then its card shows label, business id and counts', async () => {
    await page.getByRole('button', { name: 'Connect app' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect app' });
    await dialog.getByLabel('Label', { exact: true }).fill('Acme');
    await dialog.getByLabel('Business ID').fill(BUSINESS_ID);
    await dialog
      .getByLabel('User management and login method')
      .selectOption({ label: 'Username and password' });
    await dialog.getByLabel('Automation account').selectOption({ label: 'Add automation account' });
    await dialog.getByLabel('Account label').fill('Acme robot');
    await dialog.getByLabel('Email linked to account').fill(AUTOMATION.email);
    await dialog.getByLabel('Current password').fill(AUTOMATION.password);
    await shot('02-connect-app');
    await dialog.getByRole('button', { name: 'Connect app' }).click();
    const card = page.getByRole('article', { name: 'Acme' });
    await card.waitFor();
    await expectUi(card.getByText(BUSINESS_ID)).toBeVisible();
    await expectUi(card.getByText('Unmatched users')).toBeVisible();
    await page.getByRole('status').filter({ hasText: 'Acme was connected' }).waitFor();
    const list = await svc.api<{ items: { id: string; label: string }[] }>(
      'GET',
      '/api/integrations',
    );
    integrationId = list.body.items[0].id;
    // The password typed went to the vault, not to the page's storage.
    expect(JSON.stringify(await page.evaluate('({ ...sessionStorage })'))).not.toContain(
      AUTOMATION.password,
    );
  });

  it('given the card, when Check for updates is chosen in its More options menu, then a message box tells of the sync, a progress bar of members processed shows, and the task completes in Automation', async () => {
    // Slow pages, so that the check runs long enough to be watched.
    await sim('/__sim/faults', { latencyMs: 400 });
    const card = page.getByRole('article', { name: 'Acme' });
    await card.getByRole('button', { name: 'More options' }).click();
    const menu = page.getByRole('menu');
    await expectUi(menu.getByRole('menuitem')).toHaveText([
      'View Members',
      'Check for updates',
      'Deprovision report',
      'History and access',
      'Disconnect',
    ]);
    await menu.getByRole('menuitem', { name: 'Check for updates' }).click();
    const box = page.getByRole('status').filter({ hasText: 'Check for updates started' });
    await box.waitFor();
    const bar = card.getByRole('progressbar', { name: 'Members processed' });
    await bar.waitFor({ timeout: 30_000 });
    await shot('03-apps-check-running');
    await box.getByRole('button', { name: 'More details' }).click();
    await page.getByRole('heading', { name: 'Automation', level: 1 }).waitFor();
    const task = page.getByRole('row', { name: /Check for updates/ }).first();
    await expectUi(task).toBeVisible();
    await shot('04-automation-running');
    await task.getByText('Completed').waitFor({ timeout: 90_000 });
    await sim('/__sim/faults', { latencyMs: 0 });
    await shot('05-automation-completed');
  }, 150_000);

  it('given the Unmatched users tab, when Dan is matched with a directory person as Owner, then a success message shows and Dan is on the Onboarded users tab', async () => {
    await nav('Apps').click();
    await page
      .getByRole('article', { name: 'Acme' })
      .getByRole('button', { name: 'More options' })
      .click();
    await page.getByRole('menuitem', { name: 'View Members' }).click();
    await page.getByRole('heading', { name: 'Acme', level: 1 }).waitFor();
    const tabs = page.getByRole('tablist', { name: 'User Overview' });
    await expectUi(tabs.getByRole('tab')).toHaveCount(3);
    await expectUi(tabs.getByRole('tab', { name: /Unmatched users/ })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    await row('Dan Outsider').waitFor();
    await shot('06-members-unmatched');
    // Paging and search: 65 unmatched people (Carol, Dan, Eve, Gus, Hal and 60 temps), by name.
    await expectUi(page.getByText('1–50 of 65')).toBeVisible();
    await page.getByRole('button', { name: 'Next page' }).click();
    await expectUi(page.getByText('51–65 of 65')).toBeVisible();
    await expectUi(row('Temp Worker 60')).toBeVisible();
    await expectUi(page.getByRole('button', { name: 'Next page' })).toBeDisabled();
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expectUi(page.getByText('1–50 of 65')).toBeVisible();
    await page.getByLabel('Search members').fill('temp worker 07');
    await expectUi(page.locator('table.members tbody tr')).toHaveCount(1);
    await expectUi(row('Temp Worker 07')).toBeVisible();
    await page.getByLabel('Search members').fill('');
    await row('Dan Outsider').waitFor();

    await rowMenu('Dan Outsider', 'Match user');
    const dialog = page.getByRole('dialog', { name: 'Match user' });
    await dialog.getByLabel('Match with').fill('dan.outsider');
    await dialog.getByRole('radio', { name: /dan\.outsider@acme\.example/ }).check();
    await dialog.getByRole('button', { name: 'Next' }).click();
    const role = page.getByRole('dialog', { name: 'Select role' });
    await role.getByLabel('Role').selectOption({ label: 'Owner' });
    await shot('07-match-select-role');
    await role.getByRole('button', { name: 'Match user' }).click();
    await page.getByRole('status').filter({ hasText: 'Dan Outsider was matched' }).waitFor();
    await expectUi(row('Dan Outsider')).toHaveCount(0);
    await tabs.getByRole('tab', { name: /Onboarded users/ }).click();
    await row('Dan Outsider').waitFor();
    const dan = await memberByName('Dan Outsider');
    expect(dan?.tab).toBe('onboarded');
  });

  it('given Gus unmatched, when removed through the Remove user? dialog, then a success message shows and the saga removes him from Pinterest', async () => {
    await page.getByRole('tab', { name: /Unmatched users/ }).click();
    await rowMenu('Gus Temp', 'Remove user');
    const dialog = page.getByRole('dialog', { name: 'Remove user?' });
    await shot('08-remove-user');
    await dialog.getByRole('button', { name: 'Remove user' }).click();
    await page.getByRole('status').filter({ hasText: 'Gus Temp is being removed' }).waitFor();
    await eventually(
      async () => (await memberByName('Gus Temp'))?.status ?? 'gone',
      (s) => s === 'removed' || s === 'gone',
      60_000,
    );
  });

  it('given Hal unmatched, when exempted with a reason, then he is on the Exempted users tab with that reason', async () => {
    await rowMenu('Hal Vendor', 'Exempt user');
    const dialog = page.getByRole('dialog', { name: 'Exempt user' });
    // A reason is required: the dialog says so and stays open.
    await dialog.getByRole('button', { name: 'Exempt member' }).click();
    await expectUi(dialog).toBeVisible();
    await dialog.getByLabel('Provide a reason').fill('Agency contractor on the spring campaign');
    await shot('09-exempt-user');
    await dialog.getByRole('button', { name: 'Exempt member' }).click();
    await page.getByRole('status').filter({ hasText: 'Hal Vendor was exempted' }).waitFor();
    await page.getByRole('tab', { name: /Exempted users \(1\)/ }).click();
    await expectUi(row('Hal Vendor')).toContainText('Agency contractor on the spring campaign');
    await shot('10-members-exempted');
  });

  it('given the members view, when its menus and dialogs are driven by keyboard, then Escape closes them and focus returns to the button', async () => {
    // The tabs: arrow keys move the selection.
    const exempted = page.getByRole('tab', { name: /Exempted users/ });
    await exempted.focus();
    await page.keyboard.press('ArrowLeft');
    const onboarded = page.getByRole('tab', { name: /Onboarded users/ });
    await expectUi(onboarded).toBeFocused();
    await expectUi(onboarded).toHaveAttribute('aria-selected', 'true');
    await expectUi(exempted).toHaveAttribute('aria-selected', 'false');
    const button = row('Bob Stone').getByRole('button', { name: 'More options' });
    await button.focus();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu');
    await expectUi(menu).toBeVisible();
    await expectUi(menu.getByRole('menuitem')).toHaveText([
      'Edit role',
      'Edit asset permissions',
      'Remove user',
      'View history',
    ]);
    await expectUi(menu.getByRole('menuitem', { name: 'Edit role' })).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expectUi(menu.getByRole('menuitem', { name: 'Edit asset permissions' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expectUi(page.getByRole('menu')).toHaveCount(0);
    await expectUi(button).toBeFocused();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Edit role' });
    await expectUi(dialog.getByLabel('Business role')).toBeFocused();
    await page.keyboard.press('Escape');
    await expectUi(dialog).toHaveCount(0);
    await expectUi(button).toBeFocused();
  });

  it('given Bob onboarded (matched automatically), when his role is raised to Manager, then a failure message box says why; when Analyst is granted on an ad account, then the saga grants it', async () => {
    await rowMenu('Bob Stone', 'Edit role');
    const roleDialog = page.getByRole('dialog', { name: 'Edit role' });
    await roleDialog.getByLabel('Business role').selectOption({ label: 'Manager' });
    await roleDialog.getByRole('button', { name: 'Save role' }).click();
    await page.getByRole('alert').filter({ hasText: /owner/i }).waitFor();
    await shot('11-edit-role-refused');
    await roleDialog.getByRole('button', { name: 'Cancel' }).click();

    await rowMenu('Bob Stone', 'Edit asset permissions');
    const dialog = page.getByRole('dialog', { name: 'Edit asset permissions' });
    await dialog
      .getByLabel('Asset', { exact: true })
      .selectOption({ label: 'Another asset (enter its ID)' });
    await dialog.getByLabel('Asset ID').fill('5001');
    await dialog.getByRole('checkbox', { name: 'Analyst' }).check();
    await dialog.getByRole('button', { name: 'Save permissions' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Bob Stone's permissions on 5001/ })
      .waitFor();
    await eventually(
      async () =>
        (
          await svc.api<{
            items: { name: string; assets: { assetId: string; permissions: string[] }[] }[];
          }>('GET', `/api/integrations/${integrationId}/members?tab=onboarded&search=bob`)
        ).body.items[0]?.assets ?? [],
      (assets) => assets.some((a) => a.assetId === '5001' && a.permissions.includes('ANALYST')),
      60_000,
    );
    await expectUi(row('Bob Stone')).toContainText('Analyst');
  }, 90_000);

  it('given Ann deprovisioned in the IdP, when the report is dry-run and applied with the safeguard confirmed, then she is removed and verified', async () => {
    const deactivated = await svc.scim('PATCH', `/Users/${identity.ann}`, {
      schemas: [PATCH],
      Operations: [{ op: 'replace', path: 'active', value: false }],
    });
    expect(deactivated.status).toBe(200);
    await eventually(
      async () =>
        (
          await svc.api<{ counts: { pending: number } }>(
            'GET',
            `/api/integrations/${integrationId}/deprovision-report`,
          )
        ).body.counts.pending,
      (n) => n === 1,
    );
    await nav('Deprovision report').click();
    await page.getByRole('heading', { name: 'Deprovision report', level: 1 }).waitFor();
    await expectUi(row('Ann Lee')).toContainText('Pending');
    await expectUi(row('Ann Lee')).toContainText('Acme US');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await expectUi(page.getByText(/Applying now would remove 1 member/)).toBeVisible();
    await page.getByRole('button', { name: 'Apply report' }).click();
    const dialog = page.getByRole('dialog', { name: 'Apply report?' });
    await expectUi(dialog).toContainText('The sync safeguard applies');
    await shot('12-apply-report');
    await dialog.getByLabel(/I confirm removing 1 members/).check();
    beforeRemoval = await page.evaluate(() => {
      const d = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000);
      return d.toISOString().slice(0, 19);
    });
    await dialog.getByRole('button', { name: 'Apply report' }).click();
    await page.getByRole('status').filter({ hasText: 'Removing 1 leaver' }).waitFor();
    await expectUi(row('Ann Lee')).toContainText('Verified', { timeout: 90_000 });
    await shot('13-report-verified');
  }, 150_000);

  it('given the history, when a member timeline and the access at an instant are read and exported, then the export downloads with its sha256', async () => {
    await nav('History and access').click();
    await page.getByRole('heading', { name: 'History and access', level: 1 }).waitFor();
    await page.getByLabel('Find a member').fill('Hal');
    await page.getByRole('button', { name: /Hal Vendor/ }).click();
    const timeline = page.getByRole('list', { name: 'Member timeline' });
    await expectUi(timeline).toContainText('MemberExempted');
    await expectUi(timeline).toContainText('Agency contractor on the spring campaign');
    const downloaded = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export member history' }).click();
    const file = await downloaded;
    expect(file.suggestedFilename()).toMatch(/^member_history-.*\.ndjson$/);
    await expectUi(page.getByText(/^sha256: [0-9a-f]{64}$/).first()).toBeVisible();
    await expectUi(
      page.getByText('The downloaded file matches this sha256.').first(),
    ).toBeVisible();

    await page.getByLabel('Asset', { exact: true }).selectOption({ label: 'Asset 5001' });
    const at = page.getByLabel('At', { exact: true });
    await expectUi(at).toHaveAttribute('type', 'datetime-local');
    await page.getByRole('button', { name: 'Show access' }).click();
    const access = page.getByRole('table', { name: 'Access at that instant' });
    // Now (the picker left empty): Ann's access ended with the report.
    await expectUi(access).toContainText('Dan Outsider');
    await expectUi(access).not.toContainText('Ann Lee');
    // Before the report was applied, she could act on the asset.
    await at.fill(beforeRemoval);
    await page.getByRole('button', { name: 'Show access' }).click();
    await expectUi(access.getByRole('row', { name: /Ann Lee/ })).toContainText('ADMIN');
    await shot('14-history-and-access');
  });

  it('given every view visited, then no Content-Security-Policy violation was reported and nothing was fetched from another origin', () => {
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('given a phone-sized window (390×844), when the members view is shown, then nothing overflows sideways', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const p = await phone.newPage();
    watch(p);
    await p.goto(svc.url);
    await p.getByLabel('API key').fill(ADMIN_KEY);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.goto(`${svc.url}/#/apps/${integrationId}/members?tab=onboarded`);
    await p.getByRole('tab', { name: /Onboarded users/ }).waitFor();
    await p.getByRole('row', { name: /Bob Stone/ }).waitFor();
    const overflow = await p.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(1);
    await p.screenshot({ path: join(SCREENSHOTS, '15-members-phone.png'), fullPage: true });
    await phone.close();
  });

  it('given Swagger UI and GraphQL, when opened in the browser under the CSP the service sends them, then Swagger UI renders the document and GET /graphql loads nothing from a CDN', async () => {
    const p = await context.newPage();
    watch(p);
    const docs = await p.goto(`${svc.url}/api/docs`);
    expect(docs?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expectUi(p.locator('.swagger-ui .info .title')).toContainText(
      'Pinterest access governance',
    );
    await expectUi(p.getByText('/api/automation-tasks/{id}/evidence/{name}')).toBeVisible();
    await p.screenshot({ path: join(SCREENSHOTS, '16-swagger-ui.png') });
    // No landing page: Apollo's answer says how to ask, and nothing else is loaded.
    const graphql = await p.goto(`${svc.url}/graphql`);
    expect(graphql?.status()).toBe(400);
    expect(graphql?.headers()['content-type']).toContain('application/json');
    // The dashboard's own origin may POST queries with the key (connect-src 'self').
    await p.goto(svc.url);
    const answer = await p.evaluate(
      `fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ${ADMIN_KEY}' }, body: JSON.stringify({ query: '{ integrations { label } }' }) }).then((r) => r.json())`,
    );
    expect(answer).toEqual({ data: { integrations: [{ label: 'Acme' }] } });
    await p.close();
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('given a check that fails on every attempt, when its evidence is listed and read, then each file comes by its name with its type, from the Automation view too, and anything else is 404', async () => {
    await sim('/__sim/faults', { failNext: 100_000, failStatus: 503 });
    const queued = await svc.api<{ taskId: string }>(
      'POST',
      `/api/integrations/${integrationId}/check-for-updates`,
      {},
    );
    const taskId = queued.body.taskId;
    await eventually(
      async () =>
        (await svc.api<{ status: string }>('GET', `/api/automation-tasks/${taskId}`)).body,
      (t) => t.status === 'not_completed',
      90_000,
    );
    await sim('/__sim/faults', { failNext: 0 });
    const list = await svc.api<{ items: { name: string; contentType: string; bytes: number }[] }>(
      'GET',
      `/api/automation-tasks/${taskId}/evidence`,
    );
    expect(list.status).toBe(200);
    const screenshot = list.body.items.find((i) => i.name.endsWith('-screenshot.png'));
    expect(screenshot).toMatchObject({ contentType: 'image/png' });
    expect(screenshot!.bytes).toBeGreaterThan(0);
    for (const item of list.body.items) expect(item.name).not.toMatch(/[/\\]/);
    const file = await fetch(
      `${svc.url}/api/automation-tasks/${taskId}/evidence/${encodeURIComponent(screenshot!.name)}`,
      { headers: { authorization: `Bearer ${ADMIN_KEY}` } },
    );
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(bytes.length).toBe(screenshot!.bytes);

    const status = (path: string, token = ADMIN_KEY) =>
      fetch(`${svc.url}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    const base = `/api/automation-tasks/${taskId}/evidence`;
    expect(await status(`${base}/not-a-file.png`)).toBe(404);
    expect(await status(`${base}/..%2F..%2Fevents.sqlite`)).toBe(404);
    expect(await status(`${base}/${encodeURIComponent(`../${screenshot!.name}`)}`)).toBe(404);
    expect(
      await status(
        `/api/automation-tasks/6f1c1f5e-0000-4000-8000-000000000000/evidence/${screenshot!.name}`,
      ),
    ).toBe(404);
    expect(await status(`${base}/${screenshot!.name}`, 'not-a-key-0123456789')).toBe(401);

    await nav('Automation').click();
    const task = page.locator(`tr[data-task="${taskId}"]`);
    await expectUi(task).toContainText('Not completed');
    await task.getByRole('button', { name: /Show evidence/ }).click();
    const downloaded = page.waitForEvent('download');
    await task.getByRole('button', { name: screenshot!.name }).click();
    expect((await downloaded).suggestedFilename()).toBe(screenshot!.name);
    await shot('17-automation-evidence');
  }, 150_000);

  it('given an auditor key, when it signs in, then the views show no write button', async () => {
    const created = await svc.api<{ key: string }>('POST', '/api/api-keys', {
      name: 'auditor-1',
      role: 'auditor',
      person: { email: 'audit@acme.example', name: 'Avery Auditor' },
    });
    if (created.status === 404) {
      // Keys with roles arrive with issue 11 (r3-keys); this branch has no such route yet.
      console.warn(
        'SKIPPED: POST /api/api-keys answers 404 on this branch: no auditor key to sign in with',
      );
      return;
    }
    expect(created.status).toBe(201);
    const auditor = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await auditor.newPage();
    await p.goto(svc.url);
    await p.getByLabel('API key').fill(created.body.key);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Apps', level: 1 }).waitFor();
    await expectUi(p.getByRole('button', { name: 'Connect app' })).toHaveCount(0);
    const card = p.getByRole('article', { name: 'Acme' });
    await card.getByRole('button', { name: 'More options' }).click();
    await expectUi(p.getByRole('menu').getByRole('menuitem')).toHaveText([
      'View Members',
      'Deprovision report',
      'History and access',
    ]);
    await p.getByRole('menuitem', { name: 'View Members' }).click();
    // By now the walkthrough has matched, removed or exempted the unmatched members.
    await p.getByRole('tab', { name: /Onboarded users/ }).click();
    await p
      .getByRole('row', { name: /Bob Stone/ })
      .getByRole('button', { name: 'More options' })
      .click();
    await expectUi(p.getByRole('menu').getByRole('menuitem')).toHaveText(['View history']);
    await p.keyboard.press('Escape');
    await p.screenshot({ path: join(SCREENSHOTS, '18-auditor-members.png'), fullPage: true });
    await p
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Deprovision report' })
      .click();
    await p.getByRole('heading', { name: 'Deprovision report', level: 1 }).waitFor();
    await expectUi(p.getByRole('button', { name: 'Apply report' })).toHaveCount(0);
    await expectUi(p.getByRole('button', { name: 'Dry run' })).toHaveCount(0);
    await p
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Automation' })
      .click();
    await p.getByRole('heading', { name: 'Automation', level: 1 }).waitFor();
    await expectUi(p.getByRole('button', { name: /Show evidence/ })).toHaveCount(0);
    await auditor.close();
  });
});
