import type { AddressInfo } from 'node:net';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { paymentWebhookPaths } from '../../activities/mpesa/activities';
import { secretsFrom } from '../../config/env';
import { createLogger } from '../../config/logger';
import { seedDemo } from '../../db/seed';
import { tenants } from '../../db/queries/tenants';
import { SANDBOX_PASSKEY, SANDBOX_SHORTCODE, SIM_CONSUMER_KEY, SIM_CONSUMER_SECRET } from '../../simulators/daraja/defaults';
import { type DarajaSimulator, startDarajaSimulator } from '../../simulators/daraja/server';
import type { TemporalClient } from '../../temporal/client';
import { createCoreWorker } from '../../workers/core-worker';
import { buildApp } from '../../web/server/app';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { testSecrets } from '../support/web';

export const WEBHOOK_TOKEN = secretsFrom({}).paymentWebhookToken;

export interface PaymentsHarness {
  db: TestDatabase;
  sim: DarajaSimulator;
  temporal: DevServerTestEnvironment;
  worker: Worker;
  app: FastifyInstance;
  /** The web app on a loopback port: where the simulator POSTs callbacks. */
  webUrl: string;
  tenantId: string;
  close(): Promise<void>;
}

/**
 * Everything real: the demo-seeded database, the Daraja simulator, the web app (production build) on a
 * loopback port receiving the simulator's callbacks, and a core worker on this file's Temporal namespace.
 */
export async function startPaymentsHarness(opts: { callbackDelayMs?: number } = {}): Promise<PaymentsHarness> {
  const db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  const tenant = await tenants.bySlug(db.sql, 'demo');
  const sim = await startDarajaSimulator({ callbackDelayMs: opts.callbackDelayMs ?? 150 });
  const temporal = await devServerEnvironment();
  const app = await buildApp({
    sql: db.sql,
    temporal: temporal.env.client as TemporalClient,
    log: createLogger('web', 'silent'),
    remix: 'build',
    secrets: testSecrets,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const webUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const worker = await createCoreWorker({
    connection: temporal.env.nativeConnection,
    namespace: temporal.namespace,
    sql: db.sql,
    daraja: {
      baseUrl: sim.url,
      consumerKey: SIM_CONSUMER_KEY,
      consumerSecret: SIM_CONSUMER_SECRET,
      shortcode: SANDBOX_SHORTCODE,
      passkey: SANDBOX_PASSKEY,
      timeoutMs: 5000,
      publicUrl: webUrl,
      webhookToken: WEBHOOK_TOKEN,
    },
  });
  const running = worker.run();
  return {
    db,
    sim,
    temporal,
    worker,
    app,
    webUrl,
    tenantId: tenant!.id,
    async close() {
      worker.shutdown();
      await running;
      await app.close();
      await sim.stop();
      await temporal.env.teardown();
      await db.drop();
    },
  };
}

export const urls = (h: PaymentsHarness, token = WEBHOOK_TOKEN) => ({
  stk: `${h.webUrl}${paymentWebhookPaths.stk(token)}`,
  c2bValidation: `${h.webUrl}${paymentWebhookPaths.c2bValidation(token)}`,
  c2bConfirmation: `${h.webUrl}${paymentWebhookPaths.c2bConfirmation(token)}`,
});

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

/** Counts that prove exactly-once: payments and ledger credits (optionally for one customer). */
export async function moneyCounts(h: PaymentsHarness, where: { externalRef?: string; customerId?: string } = {}) {
  const sql = h.db.sql;
  const [p] = await sql<{ n: number }[]>`select count(*)::int as n from payments where tenant_id = ${h.tenantId}
    ${where.externalRef ? sql`and upper(external_ref) = upper(${where.externalRef})` : sql``}
    ${where.customerId ? sql`and customer_id = ${where.customerId}` : sql``}`;
  const [l] = await sql<{ n: number }[]>`select count(*)::int as n from ledger_entries le join payments p on p.id = le.payment_id
    where le.kind = 'payment' and p.tenant_id = ${h.tenantId}
    ${where.externalRef ? sql`and upper(p.external_ref) = upper(${where.externalRef})` : sql``}
    ${where.customerId ? sql`and p.customer_id = ${where.customerId}` : sql``}`;
  return { payments: p!.n, credits: l!.n };
}

/** A demo customer to pay for. */
export async function someCustomer(h: PaymentsHarness, offset = 0): Promise<{ id: string; accountNumber: string }> {
  const [c] = await h.db.sql<{ id: string; accountNumber: string }[]>`
    select id, account_number as "accountNumber" from customers where tenant_id = ${h.tenantId} order by account_number offset ${offset} limit 1`;
  return c!;
}
