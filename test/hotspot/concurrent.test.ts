import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { waitFor } from '../support/wait';
import { joinDevice, redirectParams, startHotspotRig, type HotspotRig } from './support';

// 100 guests press "Pay" at once on the dev server: 90 pay, 10 cancel the prompt (phones ending 1032).
const GUESTS = 100;
let rig: HotspotRig;
before(async () => {
  rig = await startHotspotRig({ callbackDelayMs: 200 });
});
after(async () => {
  await rig?.close();
});

test('100 concurrent purchases: every paid one provisioned exactly once, every code unique, nothing for the cancelled', async () => {
  const guests = Array.from({ length: GUESTS }, (_, i) => {
    const device = joinDevice(rig, 0x100 + i);
    const cancels = i % 10 === 9;
    const phone = cancels ? `0714${String(i).padStart(2, '0')}1032` : `0713${String(5000 + i).padStart(6, '0')}`;
    return { device, phone, cancels };
  });
  const started = await Promise.all(
    guests.map(async (g) => {
      const res = await fetch(`${rig.webUrl}/hotspot?index&${redirectParams(rig, g.device)}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${redirectParams(rig, g.device)}&package=${rig.packageIds.hour}&phone=${g.phone}`,
      });
      assert.equal(res.status, 302, await res.text());
      return res.headers.get('location')!.split('/').pop()!;
    }),
  );
  assert.equal(new Set(started).size, GUESTS);

  const settled = async () => {
    const [row] = await rig.db.sql<{ n: number }[]>`select count(*)::int as n from hotspot_purchases where status in ('active', 'unpaid')`;
    return row!.n === GUESTS;
  };
  await waitFor(settled, 300_000, 'all 100 purchases settled');

  const rows = await rig.db.sql<{ id: string; phone: string; status: string; code: string | null; paymentId: string | null; loggedIn: boolean }[]>`
    select id, phone, status, access_code as code, payment_id as "paymentId", logged_in_at is not null as "loggedIn" from hotspot_purchases`;
  const paid = rows.filter((r) => r.status === 'active');
  const cancelled = rows.filter((r) => r.status === 'unpaid');
  assert.equal(paid.length, GUESTS - GUESTS / 10);
  assert.equal(cancelled.length, GUESTS / 10);
  assert.ok(cancelled.every((r) => r.phone.endsWith('1032') && r.code === null && r.paymentId === null), 'nothing provisioned for a cancel');
  assert.equal(new Set(paid.map((r) => r.code)).size, paid.length, 'no two guests share a code');
  assert.ok(paid.every((r) => r.loggedIn), 'every paid device logged in');

  const users = (rig.router.controls.state().menus['/ip/hotspot/user'] ?? []).map((u) => String(u.name));
  for (const r of paid) assert.equal(users.filter((u) => u === r.code).length, 1, `one router user for ${r.code}`);
  assert.equal(users.length, paid.length, 'no extra router users');
  const active = (rig.router.controls.state().menus['/ip/hotspot/active'] ?? []).map((s) => String(s.user));
  assert.equal(new Set(active).size, paid.length, 'every paid guest online once');

  const [payments] = await rig.db.sql<{ n: number; distinct: number }[]>`
    select count(*)::int as n, count(distinct p.id)::int as distinct from payments p join hotspot_purchases h on h.payment_id = p.id`;
  assert.equal(payments!.n, paid.length, 'one payment per paid purchase');
  const [checkoutPayments] = await rig.db.sql<{ n: number }[]>`select count(*)::int as n from mpesa_checkouts where purpose = 'hotspot' and payment_id is not null`;
  assert.equal(checkoutPayments!.n, paid.length);
  await waitFor(() => rig.sms.messages().length >= paid.length, 60_000, 'codes by SMS');
  for (const r of paid) assert.equal(rig.sms.messages().filter((m) => m.text.includes(r.code!)).length, 1, `one SMS for ${r.code}`);
});
