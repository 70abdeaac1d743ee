import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { packages } from '../../db/queries/packages';
import { DEMO_PASSWORD, demoEmail } from '../../db/seed';
import { splitVat } from '../../domain/money';
import { addValidity, prorate } from '../../domain/periods';
import { startHotspotRig, type HotspotRig } from '../hotspot/support';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../support/chromium';
import { waitFor } from '../support/wait';

/**
 * The client portal end to end in real Chromium, on the real worker, Temporal dev server and the RouterOS,
 * Daraja and Africa's Talking simulators: apply → staff approve → technician installs → the customer pays by
 * STK → active with the right expiry → package change with the proration shown → invoice PDF (text and a
 * rendered page checked with poppler). Screenshots at 360 px and desktop go to test/artifacts/.
 */
const ARTIFACTS = 'test/artifacts/client';
let rig: HotspotRig;
let browser: Browser;
const PHONE = '0712 640 518';
const PHONE_254 = '254712640518';
const PASSWORD = 'karibu-nyumbani-1';

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  rig = await startHotspotRig();
  // No quiet hours: application SMS would otherwise wait for 07:00 when the suite runs at night.
  await rig.db.sql`update tenants set sms_quiet_start_minute = 0, sms_quiet_end_minute = 0 where id = ${rig.tenantId}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await rig?.close();
});

/** A full-page screenshot, and proof the page fits its width (nothing to scroll sideways at 360 px). */
async function shoot(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()!.width;
  await page.screenshot({ path: `${ARTIFACTS}/${name}-${width}.png`, fullPage: true });
  const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(scrollWidth <= width, `${name} fits ${width} px (scroll width ${scrollWidth})`);
}

async function staffSignIn(context: BrowserContext, role: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${rig.webUrl}/dashboard/login`);
  await page.getByLabel(/^Email( \*)?$/).fill(demoEmail(role));
  await page.getByLabel(/^Password( \*)?$/).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  return page;
}

/** Reloads until the dashboard's stage reads `label` (the lifecycle moves on its own time). */
async function stageBecomes(page: Page, label: string, timeoutMs = 90_000): Promise<void> {
  await waitFor(
    async () => {
      await page.goto(`${rig.webUrl}/client`);
      return ((await page.getByTestId('stage').textContent()) ?? '').trim() === label;
    },
    timeoutMs,
    `the dashboard stage "${label}"`,
  );
}

const kesToCents = (s: string) => Math.round(Number(s.replace(/[^\d.]/g, '')) * 100);

test('apply → approve → install → pay by STK → active with the right expiry → change package with proration → invoice PDF', { timeout: 420_000 }, async () => {
  const phone = await browser.newContext({ viewport: { width: 360, height: 780 }, acceptDownloads: true });
  const page = await phone.newPage();

  // 1. The applicant applies on the portal from a phone.
  await page.goto(`${rig.webUrl}/client/login`);
  await shoot(page, 'login');
  await page.getByRole('link', { name: 'New customer? Apply for internet' }).click();
  await page.getByRole('heading', { name: 'Apply for home internet' }).waitFor();
  const plans = await packages.list(rig.db.sql, rig.tenantId, { kind: 'pppoe', activeOnly: true });
  const home5 = plans.find((p) => p.name === 'Home 5 Mbps')!;
  const home10 = plans.find((p) => p.name === 'Home 10 Mbps')!;
  await page.getByLabel('Package').selectOption(home5.id);
  await page.getByLabel('First name').fill('Zawadi');
  await page.getByLabel('Last name').fill('Kamau');
  await page.getByLabel('Phone (M-Pesa number)').fill(PHONE);
  await page.getByLabel('National ID number').fill('29876543');
  await page.getByLabel('Location or nearest landmark').fill('Githurai 45, behind the Total petrol station');
  await page.getByLabel('Latitude').fill('-1.205000');
  await page.getByLabel('Longitude').fill('36.914000');
  await page.getByLabel('ID photo or scan (optional)').setInputFiles({ name: 'id.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]) });
  await page.getByLabel('Choose a password (at least 10 characters)').fill(PASSWORD);
  await shoot(page, 'apply');
  await page.getByRole('button', { name: 'Send application' }).click();
  await page.getByRole('heading', { name: 'Your application' }).waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
    await shoot(page, 'apply-failed');
    throw new Error(`${String(err)}\n${page.url()}\n${(await page.locator('main').textContent()) ?? ''}`);
  });
  assert.equal((await page.getByTestId('stage').textContent())?.trim(), 'Application under review');
  await shoot(page, 'application');
  const [applicant] = await rig.db.sql<{ id: string; workflowId: string | null }[]>`select id, workflow_id as "workflowId" from customers where phone = ${PHONE_254}`;
  assert.ok(applicant?.workflowId, 'the lifecycle started');
  const [doc] = await rig.db.sql<{ n: number }[]>`select count(*)::int as n from customer_documents where customer_id = ${applicant.id}`;
  assert.equal(doc!.n, 1);

  // 2. Support approves in the back office (desktop).
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const support = await staffSignIn(office, 'support');
  await support.goto(`${rig.webUrl}/dashboard/applications`);
  await support.getByRole('button', { name: 'Approve Zawadi Kamau' }).click();
  await stageBecomes(page, 'Approved: installation');

  // 3. A technician marks it installed on the simulated router.
  const techContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const tech = await staffSignIn(techContext, 'technician');
  await tech.goto(`${rig.webUrl}/dashboard/installations`);
  const card = tech.locator('li', { has: tech.locator(`#equipmentSerial-${applicant.id}`) });
  await card.getByText('Mark installed').click();
  await card.locator(`#routerId-${applicant.id}`).selectOption(rig.routerId);
  await card.locator(`#equipmentSerial-${applicant.id}`).fill('HG8145V5-00912');
  await card.locator(`#packageId-${applicant.id}`).selectOption(home5.id);
  await card.getByRole('button', { name: 'Installed' }).click();
  await tech.getByTestId('installation-result').waitFor({ timeout: 60_000 });
  await stageBecomes(page, 'Installed: waiting for first payment');
  assert.match((await page.locator('[role=alert]').first().textContent()) ?? '', /Pay KES 1,500 to switch on your internet/);
  await shoot(page, 'awaiting-payment');

  // 4. The customer pays by STK; the Daraja simulator approves (any number not ending in a test code pays).
  await page.getByRole('link', { name: 'Pay now' }).first().click();
  await page.getByRole('heading', { name: 'Pay with M-Pesa' }).waitFor();
  assert.equal(await page.getByLabel('Amount (KES)').inputValue(), '1500');
  assert.match((await page.locator('.notice').last().textContent()) ?? '', /Paybill: business number 174379, account number MT\d+/);
  await shoot(page, 'pay');
  await page.getByRole('button', { name: 'Send M-Pesa request' }).click();
  await page.waitForURL(/\/client\/pay\/[0-9a-f-]{36}$/);
  await page.locator('[data-stage="paid"]').waitFor({ timeout: 120_000 });
  await shoot(page, 'paid');

  // 5. Active, and the expiry is one calendar month from the payment.
  await stageBecomes(page, 'Active');
  const [paid] = await rig.db.sql<{ receivedAt: Date; createdAt: Date }[]>`
    select received_at as "receivedAt", created_at as "createdAt" from payments where customer_id = ${applicant.id} and method = 'mpesa_stk'`;
  const shown = new Date((await page.getByTestId('expiry').getAttribute('data-iso'))!);
  const expected = addValidity(paid!.createdAt, { unit: 'month', count: 1 });
  assert.ok(Math.abs(shown.getTime() - expected.getTime()) < 120_000, `expiry ${shown.toISOString()} is a month after the payment (${expected.toISOString()})`);
  assert.match((await page.getByTestId('countdown').textContent()) ?? '', /^(29|30) days \d+ h left$/);
  assert.equal((await page.getByTestId('due').textContent())?.trim(), 'KES 0');
  await shoot(page, 'dashboard');
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 900 }, storageState: await phone.storageState() });
  const wide = await desktop.newPage();
  await wide.goto(`${rig.webUrl}/client`);
  await shoot(wide, 'dashboard');

  // 6. Upgrade to 10 Mbps: the preview is the workflow's proration over the workflow's own period.
  await page.getByRole('link', { name: 'Package' }).click();
  await page.getByLabel('New package').selectOption(home10.id);
  await page.getByRole('button', { name: 'Preview the change' }).click();
  await page.getByTestId('proration').waitFor();
  const [sub] = await rig.db.sql<{ start: Date; end: Date }[]>`
    select current_period_start as start, expires_at as end from subscriptions where customer_id = ${applicant.id} and status <> 'cancelled'`;
  const want = prorate({ oldPriceCents: home5.priceCents, newPriceCents: home10.priceCents, periodStart: sub!.start, periodEnd: sub!.end, at: new Date() });
  const net = kesToCents((await page.getByTestId('proration-net').textContent()) ?? '');
  assert.ok(Math.abs(net - want.netCents) <= 2, `the preview's KES ${net / 100} is the proration KES ${want.netCents / 100}`);
  await shoot(page, 'package-preview');
  await wide.goto(page.url());
  await shoot(wide, 'package-preview');
  await page.getByRole('button', { name: 'Confirm change' }).click();
  await page.getByTestId('package-result').waitFor({ timeout: 60_000 });
  assert.match((await page.getByTestId('package-result').textContent()) ?? '', /Home 10 Mbps/);
  await waitFor(async () => {
    await page.goto(`${rig.webUrl}/client`);
    return /Home 10 Mbps/.test((await page.getByTestId('package').textContent()) ?? '');
  }, 60_000, 'the dashboard shows the new package');

  // 7. The first invoice as a PDF: totals and VAT read back with pdftotext, the page rendered with pdftoppm.
  await page.getByRole('link', { name: 'Invoices' }).click();
  await page.getByRole('heading', { name: 'Invoices and receipts' }).waitFor();
  await shoot(page, 'invoices');
  await wide.goto(page.url());
  await shoot(wide, 'invoices');
  const [first] = await rig.db.sql<{ number: string; total: number }[]>`
    select number, total_cents as total from invoices where customer_id = ${applicant.id} and kind = 'service' order by issued_at limit 1`;
  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: first!.number }).click();
  const download = await downloading;
  const pdfPath = `${ARTIFACTS}/${first!.number}.pdf`;
  await download.saveAs(pdfPath);
  assert.equal(readFileSync(pdfPath).subarray(0, 5).toString(), '%PDF-');
  const words = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  writeFileSync(`${ARTIFACTS}/${first!.number}.txt`, words);
  const vat = splitVat(first!.total, 1600);
  const kes = (c: number) => `KES ${(c / 100).toLocaleString('en-KE', { minimumFractionDigits: c % 100 ? 2 : 0, maximumFractionDigits: 2 })}`;
  for (const needle of ['TAX INVOICE', 'Demo Networks Ltd', 'KRA PIN P051234567Q', first!.number, 'Zawadi Kamau', 'Subtotal (excl. VAT)', 'VAT 16%', kes(vat.subtotalCents), kes(vat.vatCents), kes(vat.totalCents), 'Balance due']) {
    assert.ok(words.includes(needle), `the invoice PDF says "${needle}"`);
  }
  assert.match(words, /M-Pesa code [A-Z0-9]{10}/, 'the M-Pesa receipt of the STK payment is on the invoice');
  execFileSync('pdftoppm', ['-png', '-r', '72', '-f', '1', '-l', '1', pdfPath, `${ARTIFACTS}/${first!.number}`]);
  const png = `${ARTIFACTS}/${first!.number}-1.png`;
  assert.ok(statSync(png).size > 5_000, 'the page renders to a real image');
  const header = readFileSync(png).subarray(16, 24);
  assert.deepEqual([header.readUInt32BE(0), header.readUInt32BE(4)], [596, 842], 'an A4 page at 72 dpi (pdftoppm rounds 595.28 pt up)');

  // The remaining pages at both widths, and the dashboard in Swahili.
  for (const [path, name] of [['/client/usage', 'usage'], ['/client/profile', 'profile'], ['/client/pay', 'pay']] as const) {
    await page.goto(`${rig.webUrl}${path}`);
    await shoot(page, name);
    await wide.goto(`${rig.webUrl}${path}`);
    await shoot(wide, name);
  }
  await page.goto(`${rig.webUrl}/client`);
  await page.getByRole('button', { name: 'Kiswahili' }).click();
  await page.getByRole('heading', { name: 'Habari Zawadi' }).waitFor();
  assert.equal((await page.getByTestId('stage').textContent())?.trim(), 'Hai');
  await shoot(page, 'dashboard-sw');

  await desktop.close();
  await office.close();
  await techContext.close();
  await phone.close();
});

test('sign-up by a real SMS code from the simulator inbox, in Swahili', { timeout: 120_000 }, async () => {
  const [seeded] = await rig.db.sql<{ phone: string; first: string }[]>`
    select phone, first_name as first from customers c where tenant_id = ${rig.tenantId} and status = 'active'
      and not exists (select 1 from customer_logins l where l.customer_id = c.id) and (select count(*) from customers d where d.phone = c.phone) = 1
    order by account_number limit 1`;
  const local = `0${seeded!.phone.slice(3)}`;
  const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  await page.goto(`${rig.webUrl}/client/login`);
  await page.getByRole('button', { name: 'Kiswahili' }).click();
  await page.getByRole('heading', { name: 'Ingia' }).waitFor();
  await shoot(page, 'login-sw');
  await page.getByRole('link', { name: 'Mara ya kwanza? Pata nambari kwa SMS' }).click();
  // The sign-in page has a field with the same label: fill only once the code page is there.
  await page.getByRole('heading', { name: 'Unda nenosiri lako' }).waitFor();
  await page.getByLabel('Simu au nambari ya akaunti').fill(local);
  await page.getByRole('button', { name: 'Tuma nambari' }).click();
  await page.getByLabel('Nambari kutoka kwa SMS').waitFor();
  let code = '';
  await waitFor(() => {
    const sms = rig.sms.messages(`+${seeded!.phone}`).find((m) => /portal password|kuweka nenosiri/.test(m.text));
    code = /\b(\d{6})\b/.exec(sms?.text ?? '')?.[1] ?? '';
    return code !== '';
  }, 60_000, 'the code SMS in the simulator inbox');
  await page.getByLabel('Nambari kutoka kwa SMS').fill(code);
  await page.getByLabel('Nenosiri jipya (angalau herufi 10)').fill('nenosiri-jipya-1');
  await page.getByRole('button', { name: 'Weka nenosiri uingie' }).click();
  // Signed in, the customer's own language (English here) wins over the visitor's choice.
  await page.getByRole('heading', { name: `Hello ${seeded!.first}` }).waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
    await shoot(page, 'signup-failed');
    throw new Error(`${String(err)}\n${page.url()}\n${(await page.locator('main').textContent()) ?? ''}`);
  });
  await shoot(page, 'dashboard-after-signup');
  await context.close();
});

test('a customer staff create gets a set-password link by SMS that works once', { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const admin = await staffSignIn(context, 'admin');
  await admin.goto(`${rig.webUrl}/dashboard/customers/new`);
  await admin.getByLabel(/^First name( \*)?$/).fill('Imani');
  await admin.getByLabel(/^Last name( \*)?$/).fill('Wekesa');
  await admin.getByLabel(/^Phone( \*)?$/).fill('0712 778 093');
  await admin.getByRole('button', { name: 'Create customer' }).click();
  await admin.waitForURL(/\/dashboard\/customers\/[0-9a-f-]{36}/);
  let link = '';
  await waitFor(() => {
    const sms = rig.sms.messages('+254712778093').find((m) => /set-password/.test(m.text));
    link = /(http\S+\/client\/set-password\/[\w-]+)/.exec(sms?.text ?? '')?.[1] ?? '';
    return link !== '';
  }, 60_000, 'the set-password SMS in the simulator inbox');
  const phone = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const page = await phone.newPage();
  await page.goto(link);
  await page.getByLabel('New password (at least 10 characters)').fill('imani-password-1');
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await page.getByRole('heading', { name: 'Your application' }).waitFor({ timeout: 30_000 });
  await page.goto(link);
  await page.getByText('This link has expired or was already used').waitFor();
  await phone.close();
  await context.close();
});

test("a cancelled STK push shows the payment workflow's plain-language message and a way to try again", { timeout: 120_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  await page.goto(`${rig.webUrl}/client/login`);
  await page.getByLabel('Phone or account number').fill('0711 000 111');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Hello Amina' }).waitFor();
  await page.getByRole('link', { name: 'Pay', exact: true }).click();
  await page.getByLabel('Amount (KES)').fill('100');
  // The Daraja simulator: a number ending 1032 is a customer who cancels the PIN prompt.
  await page.getByLabel('M-Pesa number').fill('0712 001 032');
  await page.getByRole('button', { name: 'Send M-Pesa request' }).click();
  await page.locator('[data-stage="failed"]').waitFor({ timeout: 90_000 });
  assert.match((await page.getByTestId('payment-status').textContent()) ?? '', /The payment did not go through\. You cancelled the M-Pesa request\./);
  await page.getByRole('link', { name: 'Try again' }).waitFor();
  await shoot(page, 'payment-cancelled');

  // Amina is a seeded customer from before lifecycles: signing in adopted hers, so the portal now shows the workflow's own state.
  await waitFor(async () => (await rig.db.sql`select 1 from customers where phone = '254711000111' and workflow_id is not null`).length === 1, 30_000, "Amina's lifecycle adopted");
  await stageBecomes(page, 'Active', 60_000);
  await waitFor(async () => {
    await page.goto(`${rig.webUrl}/client`);
    return !(await page.getByText('live status is not available').isVisible());
  }, 60_000, 'the live lifecycle state on the dashboard');
  await context.close();
});
