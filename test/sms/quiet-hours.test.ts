import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_QUIET_HOURS, isQuietHours, quietHoursDeferral } from '../../domain/quiet-hours';
import { DEFAULT_TEMPLATES, NON_URGENT_TEMPLATES, TEMPLATE_KEYS, TEMPLATE_VARIABLES } from '../../activities/sms/templates';

// EAT is UTC+3: 21:00 EAT = 18:00Z, 07:00 EAT = 04:00Z.
const at = (iso: string) => new Date(iso);

test('quiet hours: 21:00 EAT starts them, 07:00 EAT ends them (start inclusive, end exclusive)', () => {
  assert.equal(isQuietHours(at('2026-11-21T17:59:59.999Z')), false, '20:59:59 EAT');
  assert.equal(isQuietHours(at('2026-11-21T18:00:00Z')), true, '21:00 EAT');
  assert.equal(isQuietHours(at('2026-11-21T21:00:00Z')), true, 'midnight EAT');
  assert.equal(isQuietHours(at('2026-11-22T03:59:59Z')), true, '06:59:59 EAT');
  assert.equal(isQuietHours(at('2026-11-22T04:00:00Z')), false, '07:00 EAT');
  assert.equal(isQuietHours(at('2026-11-22T09:00:00Z')), false, 'noon EAT');
});

test('a deferral is the next 07:00 EAT, on the same or the next Nairobi day', () => {
  assert.equal(quietHoursDeferral(at('2026-11-21T09:00:00Z')), null, 'noon: send now');
  // 21:00 EAT Saturday → 07:00 EAT Sunday.
  assert.equal(quietHoursDeferral(at('2026-11-21T18:00:00Z'))?.toISOString(), '2026-11-22T04:00:00.000Z');
  // 23:30 EAT (20:30Z) → next morning.
  assert.equal(quietHoursDeferral(at('2026-11-21T20:30:00Z'))?.toISOString(), '2026-11-22T04:00:00.000Z');
  // 00:30 EAT on the 22nd is 21:30Z on the 21st: a UTC date behind, still the 22nd's 07:00.
  assert.equal(quietHoursDeferral(at('2026-11-21T21:30:00Z'))?.toISOString(), '2026-11-22T04:00:00.000Z');
  // 06:59 EAT → one minute later.
  assert.equal(quietHoursDeferral(at('2026-11-22T03:59:00Z'))?.toISOString(), '2026-11-22T04:00:00.000Z');
  // Month and year ends roll over.
  assert.equal(quietHoursDeferral(at('2026-12-31T19:00:00Z'))?.toISOString(), '2027-01-01T04:00:00.000Z');
});

test('a tenant window that does not cross midnight, and an empty one', () => {
  const lunch = { startMinute: 13 * 60, endMinute: 14 * 60 };
  assert.equal(isQuietHours(at('2026-11-21T10:30:00Z'), lunch), true, '13:30 EAT');
  assert.equal(isQuietHours(at('2026-11-21T18:30:00Z'), lunch), false, '21:30 EAT');
  assert.equal(quietHoursDeferral(at('2026-11-21T10:30:00Z'), lunch)?.toISOString(), '2026-11-21T11:00:00.000Z');
  assert.equal(quietHoursDeferral(at('2026-11-21T20:00:00Z'), { startMinute: 0, endMinute: 0 }), null);
  assert.deepEqual(DEFAULT_QUIET_HOURS, { startMinute: 1260, endMinute: 420 });
});

test('every event of issue 6 has an English and a Swahili default with its variables', () => {
  const events: Record<string, string[]> = {
    payment_received: ['name', 'amount', 'account', 'expiry'],
    expiry_reminder: ['name', 'days', 'expiry', 'amount', 'paybill', 'account', 'package'],
    renewal: ['name', 'package', 'amount', 'expiry'],
    suspended: ['name', 'amount', 'paybill', 'account'],
    reconnected: ['name', 'package', 'expiry'],
    welcome: ['name', 'username', 'password', 'account', 'paybill'],
    application_received: ['name'],
    kyc_approved: ['name', 'account'],
    kyc_rejected: ['name', 'reason'],
    installation_scheduled: ['name', 'date'],
    hotspot_access_code: ['code'],
    voucher: ['code', 'package', 'amount'],
  };
  for (const [event, vars] of Object.entries(events)) {
    assert.ok(TEMPLATE_KEYS.includes(event as never), `${event} is a template`);
    const key = event as keyof typeof DEFAULT_TEMPLATES;
    for (const language of ['en', 'sw'] as const) {
      const body = DEFAULT_TEMPLATES[key][language];
      assert.ok(body.trim().length > 0, `${event}/${language}`);
      for (const v of vars) {
        assert.ok((TEMPLATE_VARIABLES[key] as readonly string[]).includes(v), `${event} allows {{${v}}}`);
        assert.ok(body.includes(`{{${v}}}`), `${event}/${language} uses {{${v}}}`);
      }
    }
  }
  assert.ok(NON_URGENT_TEMPLATES.includes('expiry_reminder'));
  assert.ok(!NON_URGENT_TEMPLATES.includes('payment_received'), 'a payment receipt is urgent');
});
