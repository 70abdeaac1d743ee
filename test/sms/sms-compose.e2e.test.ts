import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { campaignAudience } from '../../db/queries/sms-audience';
import { demoEmail, DEMO_PASSWORD } from '../../db/seed';
import { startBackOffice, type BackOffice } from '../support/backoffice';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';

// Real Chromium: the audience count on the compose page follows the filters without pressing anything.
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

test('the compose page counts the audience live as filters change', async () => {
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await page.goto(`${base}/dashboard`);
  await page.waitForURL(/\/dashboard\/login/);
  await page.getByLabel(/^Email( \*)?$/).fill(demoEmail('admin'));
  await page.getByLabel(/^Password( \*)?$/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  await page.goto(`${base}/dashboard/sms/new`);
  await page.getByRole('heading', { level: 1, name: 'New SMS campaign' }).waitFor();

  const scope = { tenantId: office.tenantId };
  const everyone = await campaignAudience.count(office.db.sql, scope, { statuses: ['active'] });
  const count = page.locator('#audience-count');
  await page.waitForFunction((n) => document.querySelector('#audience-count')?.getAttribute('data-recipients') === String(n), everyone.recipients, { timeout: 30_000 });

  const [pkg] = await office.db.sql<{ id: string }[]>`select id from packages where tenant_id = ${office.tenantId} and name = 'Home 10 Mbps'`;
  const narrowed = await campaignAudience.count(office.db.sql, scope, { statuses: ['active', 'suspended'], packageId: pkg!.id });
  assert.notEqual(narrowed.recipients, everyone.recipients);
  await page.getByLabel('Suspended').check();
  await page.getByLabel('On package').selectOption({ label: 'Home 10 Mbps' });
  await page.waitForFunction((n) => document.querySelector('#audience-count')?.getAttribute('data-recipients') === String(n), narrowed.recipients, { timeout: 30_000 });
  assert.match((await count.textContent()) ?? '', new RegExp(`^${narrowed.recipients} customers will get this message`));
  await page.screenshot({ path: `${ARTIFACTS}/sms-compose-audience.png`, fullPage: true });
});
