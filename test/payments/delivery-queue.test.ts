import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { paymentWebhookPaths } from '../../activities/mpesa/activities';
import { createLogger } from '../../config/logger';
import { seedDemo } from '../../db/seed';
import { SANDBOX_SHORTCODE } from '../../simulators/daraja/defaults';
import type { TemporalClient } from '../../temporal/client';
import { redeliverUndelivered, registerPaymentWebhooks } from '../../web/server/webhooks/payments';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { waitFor } from '../support/wait';
import { testSecrets } from '../support/web';
import { WEBHOOK_TOKEN } from './support';

let db: TestDatabase;
const apps: FastifyInstance[] = [];
const log = createLogger('web', 'silent');
const noTemporal = {} as TemporalClient;

before(async () => {
  db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
});
after(async () => {
  for (const app of apps) await app.close();
  await db?.drop();
});

async function webhooks(extra: { deliveryConcurrency?: number; maxQueuedDeliveries?: number }) {
  const app = Fastify();
  await registerPaymentWebhooks(app, { sql: db.sql, temporal: noTemporal, log, token: WEBHOOK_TOKEN, redeliverEveryMs: 3_600_000, ...extra });
  await app.ready();
  apps.push(app);
  return app;
}

const confirmation = (transId: string) => ({
  TransactionType: 'Pay Bill', TransID: transId, TransTime: '20261121093000', TransAmount: '100.00', BusinessShortCode: SANDBOX_SHORTCODE, BillRefNumber: 'NOBODY', MSISDN: '2547 ***** 126', FirstName: 'Amina',
});
const processed = async (prefix: string) => {
  const [row] = await db.sql<{ stored: number; done: number; payments: number }[]>`
    select count(*)::int as stored, count(processed_at)::int as done,
      (select count(*)::int from payments where external_ref like ${`${prefix}%`}) as payments
    from mpesa_events where natural_key like ${`${prefix}%`}`;
  return row!;
};

test('a burst is acknowledged at once and delivered a few at a time, each payment once', async () => {
  const app = await webhooks({ deliveryConcurrency: 2 });
  const url = paymentWebhookPaths.c2bConfirmation(WEBHOOK_TOKEN);
  const replies = await Promise.all(Array.from({ length: 60 }, (_, i) => app.inject({ method: 'POST', url, payload: confirmation(`QBURST${String(i).padStart(3, '0')}`) })));
  for (const r of replies) assert.equal(r.statusCode, 200);
  await waitFor(async () => (await processed('QBURST')).done === 60, 20_000, 'all delivered');
  assert.deepEqual(await processed('QBURST'), { stored: 60, done: 60, payments: 60 });
});

test('when the delivery queue is full, events are stored and acknowledged and the sweep delivers them', async () => {
  const app = await webhooks({ maxQueuedDeliveries: 0 });
  const url = paymentWebhookPaths.c2bConfirmation(WEBHOOK_TOKEN);
  for (let i = 0; i < 5; i++) assert.equal((await app.inject({ method: 'POST', url, payload: confirmation(`QFULL${i}`) })).statusCode, 200);
  assert.deepEqual(await processed('QFULL'), { stored: 5, done: 0, payments: 0 });
  await db.sql`update mpesa_events set received_at = now() - interval '5 minutes' where natural_key like 'QFULL%'`;
  await redeliverUndelivered({ sql: db.sql, temporal: noTemporal, log, token: WEBHOOK_TOKEN });
  assert.deepEqual(await processed('QFULL'), { stored: 5, done: 5, payments: 5 });
});
