import type { Browser, BrowserContext, Page } from 'playwright';

import { acquireBrowser, releaseBrowser } from '@app/pinterest/playwright/browser';
import { startSimulator, type RunningSimulator } from '@app/simulator';

import { BUSINESS_ID, EMPLOYEE, MANAGER, SimControl } from './support';

/**
 * The simulator's pages as a person (or an assistive technology) meets them: landmarks,
 * headings, labelled controls and named dialogs, which is what the adapter selects by.
 */
describe('the simulated Business Manager in a browser', () => {
  let sim: RunningSimulator;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const at = (path: string): string => `${sim.url}/business/business-access/${BUSINESS_ID}/${path}`;

  const logIn = async (who: { email: string; password: string }): Promise<void> => {
    await page.goto(`${sim.url}/login`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Business Manager' }).waitFor();
  };

  beforeAll(async () => {
    sim = await startSimulator({ port: 0 });
    await new SimControl(sim.url).reset();
    browser = await acquireBrowser();
  });
  afterAll(async () => {
    await releaseBrowser(browser);
    await sim.close();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  afterEach(() => context.close());

  it('has landmarks, one main heading and labelled controls on the Employees page', async () => {
    // given a Manager on the Employees page
    await logIn(MANAGER);
    await page.goto(at('employees'));

    // then the page is organised in landmarks a screen reader can jump between
    await expectVisible(page.getByRole('banner'));
    await expectVisible(page.getByRole('navigation', { name: 'Business Manager' }));
    await expectVisible(page.getByRole('main'));
    expect(await page.getByRole('heading', { level: 1 }).allTextContents()).toEqual(['Employees']);
    // and the controls have names
    await expectVisible(page.getByRole('searchbox', { name: 'Search employees' }));
    await expectVisible(page.getByRole('combobox', { name: 'Rows per page' }));
    await expectVisible(page.getByRole('table', { name: 'Employees' }));
    await expectVisible(page.getByRole('link', { name: 'Employees' }));
    expect(await page.getByRole('link', { name: 'Employees' }).getAttribute('aria-current')).toBe(
      'page',
    );
  });

  it('asks for confirmation in a named dialog before removing someone', async () => {
    // given a Manager on the Employees page
    await logIn(MANAGER);
    await page.goto(at('employees'));

    // when choosing Actions → Remove for one person
    await page.getByRole('button', { name: 'Actions for Leo Leaver' }).click();
    await page.getByRole('menuitem', { name: 'Remove' }).click();

    // then a dialog names the person, and Cancel leaves everyone in place
    const dialog = page.getByRole('dialog', { name: 'Remove this person?' });
    await expectVisible(dialog);
    expect(await dialog.textContent()).toContain('Leo Leaver will be removed');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await new SimControl(sim.url).log()).toEqual([]);
  });

  it('offers only the permissions an asset type has', async () => {
    // given a Manager on a person's page
    await logIn(MANAGER);
    await page.goto(at('employees/903'));

    // when editing their ad account, then their profile
    await page.getByRole('button', { name: 'Edit permissions for US Ads' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit permissions' });
    const labels = ['Admin', 'Analyst', 'Campaign', 'Finance', 'Audience', 'Catalogs', 'Publisher'];
    const offered = async (): Promise<string[]> => {
      const shown: string[] = [];
      for (const name of labels) {
        if (await dialog.getByRole('checkbox', { name, exact: true }).isVisible()) shown.push(name);
      }
      return shown;
    };
    const adAccount = await offered();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Edit permissions for Main profile' }).click();
    const profile = await offered();

    // then each shows its own permissions, checked as they are now
    expect(adAccount).toEqual(['Admin', 'Analyst', 'Campaign', 'Finance', 'Audience', 'Catalogs']);
    expect(profile).toEqual(['Publisher']);
    expect(await dialog.getByRole('checkbox', { name: 'Publisher' }).isChecked()).toBe(true);
  });

  it('tells an Employee "You don\'t have permission" and shows them only their assets', async () => {
    // given an Employee
    await logIn(EMPLOYEE);

    // when opening Employees
    await page.goto(at('employees'));

    // then the page refuses
    await expectVisible(page.getByRole('heading', { level: 1, name: "You don't have permission" }));

    // and Ad accounts lists only the one they were given
    await page.goto(at('ad-accounts'));
    const names = await page
      .getByRole('table', { name: 'Ad accounts' })
      .getByRole('link')
      .allTextContents();
    expect(names).toEqual(['EU Ads']);
  });
});

async function expectVisible(locator: { isVisible(): Promise<boolean> }): Promise<void> {
  expect(await locator.isVisible()).toBe(true);
}
