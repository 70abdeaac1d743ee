import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { demoEmail, DEMO_PASSWORD } from '../../db/seed';
import { startBackOffice, type BackOffice } from '../support/backoffice';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';

// Real Chromium against the real server on a loopback port: what staff see on a phone-sized screen.
const ARTIFACTS = 'test/artifacts';
let office: BackOffice;
let browser: Browser;
let base: string;

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  office = await startBackOffice();
  base = await office.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await office?.close();
});

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Back office' }).getByRole('link', { name, exact: true });

async function signIn(page: Page, role: string) {
  await page.goto(`${base}/dashboard`);
  await page.waitForURL(/\/dashboard\/login/);
  await page.getByLabel(/^Email( \*)?$/).fill(demoEmail(role));
  await page.getByLabel(/^Password( \*)?$/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
}

test('an admin signs in, creates a package and a customer, and sees both listed', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await signIn(page, 'admin');
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-overview.png`, fullPage: true });

  await nav(page, 'Packages').click();
  await page.getByRole('link', { name: 'New package' }).click();
  await page.getByLabel(/^Name( \*)?$/).fill('Biashara 50 Mbps');
  await page.getByLabel(/^Download \(Mbps\)( \*)?$/).fill('50');
  await page.getByLabel(/^Upload \(Mbps\)( \*)?$/).fill('20');
  await page.getByLabel(/^Price \(KES, VAT inclusive\)( \*)?$/).fill('7,500');
  await page.getByRole('button', { name: 'Create package' }).click();
  await page.waitForURL(`${base}/dashboard/packages`);
  const row = page.getByRole('row', { name: /Biashara 50 Mbps/ });
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /KES 7,500/);

  await nav(page, 'Customers').click();
  await page.getByRole('link', { name: 'New customer' }).click();
  await page.getByLabel(/^First name( \*)?$/).fill('Amina');
  await page.getByLabel(/^Last name( \*)?$/).fill('Wekesa');
  await page.getByLabel(/^Phone( \*)?$/).fill('0722 000 123');
  await page.getByLabel(/^National ID( \*)?$/).fill('31234567');
  await page.getByRole('button', { name: /Create customer/ }).click();
  await page.getByRole('heading', { level: 1, name: /Amina Wekesa/ }).waitFor();
  await page.screenshot({ path: `${ARTIFACTS}/customer-detail.png`, fullPage: true });

  await nav(page, 'Customers').click();
  await page.getByRole('row', { name: /Amina Wekesa/ }).waitFor();
  await page.screenshot({ path: `${ARTIFACTS}/customers-list.png`, fullPage: true });
  await context.close();
});

test('a technician is refused the staff page and is not offered it', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await signIn(page, 'technician');
  assert.equal(await nav(page, 'Staff').count(), 0);
  const response = await page.goto(`${base}/dashboard/staff`);
  assert.equal(response?.status(), 403);
  await page.getByRole('heading', { level: 1, name: 'Not allowed' }).waitFor();
  await page.screenshot({ path: `${ARTIFACTS}/technician-refused.png`, fullPage: true });
  await context.close();
});
