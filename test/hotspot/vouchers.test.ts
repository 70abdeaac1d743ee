import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { hotspot } from '../../db/queries/hotspot';
import { waitFor } from '../support/wait';
import { demoEmail } from '../../db/seed';
import { voucherCardsPdf } from '../../web/app/hotspot/voucher-pdf.server';
import { Visitor } from '../support/backoffice';
import { activeSessions, joinDevice, redirectParams, startHotspotRig, type HotspotRig } from './support';

let rig: HotspotRig;
let finance: Visitor;
let batchId: string;
let codes: string[];

// Finance makes a batch of 12 one-hour cards through the back office; guests redeem them on the portal.
before(async () => {
  rig = await startHotspotRig();
  finance = new Visitor(rig.app);
  await finance.signIn(demoEmail('finance'));
  const made = await finance.submit('/dashboard/hotspot/vouchers', { packageId: rig.packageIds.hour, count: '12', prefix: 'kw', expiresOn: '2099-12-31' });
  assert.equal(made.statusCode, 302, made.body.slice(0, 500));
  batchId = String(made.headers.location).split('/').pop()!;
  const csv = await finance.get(`/dashboard/hotspot/vouchers/${batchId}/codes.csv`);
  codes = csv.body.trim().split('\n').slice(1).map((line) => line.split(',')[0]!);
});
after(async () => {
  await rig?.close();
});

const redeem = (device: { mac: string; ip: string }, code: string) =>
  fetch(`${rig.webUrl}/hotspot/code`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${redirectParams(rig, device)}&code=${encodeURIComponent(code)}`,
  });

test('a batch: unguessable prefixed codes, CSV and an A4 PDF of the cards, usage statistics', async () => {
  assert.equal(codes.length, 12);
  assert.equal(new Set(codes).size, 12);
  for (const code of codes) assert.match(code, /^KW[2-9A-HJ-NP-Z]{10}$/);
  const pdf = await finance.get(`/dashboard/hotspot/vouchers/${batchId}/cards.pdf`);
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const body = pdf.rawPayload.toString('latin1');
  assert.ok(body.startsWith('%PDF-1.4'));
  assert.equal((body.match(/\/Type \/Page /g) ?? []).length, 2, '12 cards: 10 on the first A4 page, 2 on the second');
  for (const code of codes) assert.ok(body.includes(`(${code})`), `card ${code} printed`);
  const page = (await finance.get(`/dashboard/hotspot/vouchers/${batchId}`)).body.replaceAll('<!-- -->', '');
  assert.match(page, /<dt>Unused<\/dt><dd>12<\/dd>/);
  const technician = new Visitor(rig.app);
  await technician.signIn(demoEmail('technician'));
  assert.equal((await technician.get(`/dashboard/hotspot/vouchers/${batchId}`)).statusCode, 403);
});

test('the PDF writer keeps a valid cross-reference table', () => {
  const pdf = voucherCardsPdf([{ code: 'ABC234DEF5', heading: 'Demo (Networks) \\ Ltd', detail: '1 hour · KES 10', footer: 'Use before 1 Jan' }]).toString('latin1');
  const startxref = Number(/startxref\n(\d+)/.exec(pdf)![1]);
  assert.ok(pdf.slice(startxref).startsWith('xref'));
  const offsets = [...pdf.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
  offsets.forEach((offset, i) => assert.ok(pdf.slice(offset).startsWith(`${i + 1} 0 obj`), `object ${i + 1} at ${offset}`));
  assert.ok(pdf.includes('(Demo \\(Networks\\) \\\\ Ltd)'), 'special characters escaped');
});

test('a voucher on the portal: provisioned through the same path, device online, state "in use" by that MAC', async () => {
  const device = joinDevice(rig, 0x700);
  const res = await redeem(device, codes[0]!.toLowerCase());
  assert.equal(res.status, 302, await res.text());
  const purchaseId = res.headers.get('location')!.split('/').pop()!;
  await waitFor(async () => (await hotspot.get(rig.db.sql, purchaseId))?.status === 'active', 60_000, 'voucher purchase active');
  const purchase = (await hotspot.get(rig.db.sql, purchaseId))!;
  assert.equal(purchase.phone, null);
  assert.equal(purchase.paymentId, null);
  assert.ok(activeSessions(rig).some((s) => s.user === purchase.accessCode && s['mac-address'] === device.mac));
  const html = (await (await fetch(`${rig.webUrl}/hotspot/p/${purchaseId}`)).text()).replaceAll('<!-- -->', '');
  assert.match(html, /Time left/);
  assert.match(html, /or your voucher code/);
  const page = (await finance.get(`/dashboard/hotspot/vouchers/${batchId}`)).body.replaceAll('<!-- -->', '');
  assert.match(page, new RegExp(`${codes[0]}</code></td><td>In use</td><td>${device.mac}</td>`));
  // The same card again on the same device: a returning guest, logged in, not a second purchase.
  const again = await redeem(device, codes[0]!);
  assert.equal(again.status, 302);
  assert.equal(again.headers.get('location'), `/hotspot/p/${purchaseId}`);
  const [n] = await rig.db.sql<{ n: number }[]>`select count(*)::int as n from hotspot_purchases where voucher_id is not null`;
  assert.equal(n!.n, 1);
});

test('revoked and expired cards are refused in plain words; guessing is rate limited', async () => {
  const revoke = await finance.submit(`/dashboard/hotspot/vouchers/${batchId}`, {});
  assert.equal(revoke.statusCode, 200);
  assert.match(revoke.body, /11 cards revoked/);
  const device = joinDevice(rig, 0x701);
  const refused = await redeem(device, codes[1]!);
  assert.equal(refused.status, 400);
  assert.match(await refused.text(), /cancelled by the provider/);
  await rig.db.sql`update hotspot_voucher_batches set expires_at = now() - interval '1 minute' where id = ${batchId}`;
  await rig.db.sql`update hotspot_vouchers set state = 'unused', revoked_at = null where code = ${codes[2]!}`;
  assert.match(await (await redeem(device, codes[2]!)).text(), /has expired/);
  const guesser = joinDevice(rig, 0x702);
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++) statuses.push((await redeem(guesser, `ZZZZZZZZZ${String.fromCharCode(65 + i)}`)).status);
  assert.deepEqual(statuses.slice(0, 10), Array(10).fill(400));
  assert.equal(statuses[10], 429);
});
