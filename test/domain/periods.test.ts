import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addValidity, extendExpiry, prorate, reminderTimes } from '../../domain/periods';

// Times below are written in East Africa Time (+03:00), as customers and staff read them.
const eat = (s: string) => new Date(`${s}+03:00`);

test('a calendar month lands on the same day and time in Nairobi, clamped at month end', () => {
  assert.deepEqual(addValidity(eat('2026-01-15T10:00:00'), { unit: 'month', count: 1 }), eat('2026-02-15T10:00:00'));
  assert.deepEqual(addValidity(eat('2026-01-31T23:30:00'), { unit: 'month', count: 1 }), eat('2026-02-28T23:30:00'));
  assert.deepEqual(addValidity(eat('2028-01-31T08:00:00'), { unit: 'month', count: 1 }), eat('2028-02-29T08:00:00'), 'leap year');
  assert.deepEqual(addValidity(eat('2026-12-31T01:00:00'), { unit: 'month', count: 2 }), eat('2027-02-28T01:00:00'), 'across the year');
  // 00:30 on the 1st in Nairobi is still the previous month in UTC: the rule follows Nairobi.
  assert.deepEqual(addValidity(eat('2026-03-01T00:30:00'), { unit: 'month', count: 1 }), eat('2026-04-01T00:30:00'));
});

test('hours and days are exact durations', () => {
  assert.deepEqual(addValidity(eat('2026-05-01T22:15:00'), { unit: 'hour', count: 1 }), eat('2026-05-01T23:15:00'));
  assert.deepEqual(addValidity(eat('2026-05-01T22:15:00'), { unit: 'day', count: 7 }), eat('2026-05-08T22:15:00'));
  assert.throws(() => addValidity(eat('2026-05-01T00:00:00'), { unit: 'day', count: 0 }), RangeError);
});

test('paying early extends from the current expiry; paying late extends from now', () => {
  const month = { unit: 'month', count: 1 } as const;
  const now = eat('2026-06-10T09:00:00');
  assert.deepEqual(extendExpiry(now, eat('2026-06-20T12:00:00'), month), eat('2026-07-20T12:00:00'));
  assert.deepEqual(extendExpiry(now, eat('2026-06-01T12:00:00'), month), eat('2026-07-10T09:00:00'));
  assert.deepEqual(extendExpiry(now, null, month), eat('2026-07-10T09:00:00'));
});

test('reminders 7/3/1 days before expiry, in order, skipping those already past', () => {
  const expiry = eat('2026-06-30T18:00:00');
  const all = reminderTimes(expiry, [1, 7, 3, 3], eat('2026-06-01T00:00:00'));
  assert.deepEqual(all, [
    { daysBefore: 7, at: eat('2026-06-23T18:00:00') },
    { daysBefore: 3, at: eat('2026-06-27T18:00:00') },
    { daysBefore: 1, at: eat('2026-06-29T18:00:00') },
  ]);
  assert.deepEqual(reminderTimes(expiry, [7, 3, 1], eat('2026-06-28T00:00:00')).map((r) => r.daysBefore), [1]);
});

test('an upgrade halfway through a period costs half the difference; a downgrade credits it', () => {
  const period = { periodStart: eat('2026-06-01T00:00:00'), periodEnd: eat('2026-07-01T00:00:00') };
  const half = eat('2026-06-16T00:00:00');
  const up = prorate({ ...period, oldPriceCents: 250_000, newPriceCents: 350_000, at: half });
  assert.deepEqual(up, { remainingPpm: 500_000, creditCents: 125_000, chargeCents: 175_000, netCents: 50_000 });
  const down = prorate({ ...period, oldPriceCents: 350_000, newPriceCents: 150_000, at: half });
  assert.equal(down.netCents, -100_000);
  const after = prorate({ ...period, oldPriceCents: 250_000, newPriceCents: 350_000, at: eat('2026-07-05T00:00:00') });
  assert.deepEqual(after, { remainingPpm: 0, creditCents: 0, chargeCents: 0, netCents: 0 });
});

test('proration table: credit for unused time of the old package, charge for the new, rounded per side', () => {
  const start = eat('2026-06-01T00:00:00');
  const end = eat('2026-07-01T00:00:00'); // 30 days
  const rows: [string, number, number, string, { credit: number; charge: number; net: number }][] = [
    ['upgrade on day 1', 250_000, 350_000, '2026-06-01T00:00:00', { credit: 250_000, charge: 350_000, net: 100_000 }],
    ['upgrade with 10 of 30 days left', 300_000, 600_000, '2026-06-21T00:00:00', { credit: 100_000, charge: 200_000, net: 100_000 }],
    ['downgrade with 20 of 30 days left', 600_000, 300_000, '2026-06-11T00:00:00', { credit: 400_000, charge: 200_000, net: -200_000 }],
    ['same price', 250_000, 250_000, '2026-06-11T00:00:00', { credit: 166_667, charge: 166_667, net: 0 }],
    ['a third of a cent rounds half up per side', 100, 200, '2026-06-21T00:00:00', { credit: 33, charge: 67, net: 34 }],
    ['at the very end nothing moves', 250_000, 350_000, '2026-07-01T00:00:00', { credit: 0, charge: 0, net: 0 }],
    ['before the period starts it is all unused', 250_000, 350_000, '2026-05-20T00:00:00', { credit: 250_000, charge: 350_000, net: 100_000 }],
  ];
  for (const [label, oldPriceCents, newPriceCents, at, want] of rows) {
    const p = prorate({ oldPriceCents, newPriceCents, periodStart: start, periodEnd: end, at: eat(at) });
    assert.deepEqual({ credit: p.creditCents, charge: p.chargeCents, net: p.netCents }, want, label);
  }
});
