import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSmsActivities } from '../activities/sms/activities';
import { createAfricasTalkingGateway } from '../activities/sms/africastalking';
import type { SmsGateway } from '../activities/sms/gateway';
import { createSql } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { freePort } from '../scripts/ports';
import { SIM_API_KEY, SIM_USERNAME } from '../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator } from '../simulators/africastalking/server';

/**
 * `npx tsx bench/sms-throughput.ts [--skip-db]`: the Africa's Talking simulator on loopback, then
 * 1. MESSAGES single-recipient sends through the real gateway (the `africastalking` SDK) with bounded
 *    concurrency, and
 * 2. DB_MESSAGES through the `sendSms` activity (render → log → send → log, idempotency key each) on a
 *    throwaway embedded Postgres.
 * Prints one line per figure; every message must land in the simulator's inbox exactly once.
 */
const MESSAGES = 2_000;
const DB_MESSAGES = 500;
const CONCURRENCY = 20;
const LIMIT_MS = 120_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const cleanups: (() => Promise<void>)[] = [];
const cleanup = async () => {
  for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
};
const watchdog = setTimeout(() => {
  process.stderr.write(`bench did not finish within ${LIMIT_MS / 1000} s\n`);
  void cleanup().finally(() => process.exit(1));
}, LIMIT_MS);

/** 2547… numbers that avoid the simulator's failure endings (…403, …405, …406, …407, …409). */
const phoneOf = (i: number) => `2547${String(20_000_000 + i * 10).padStart(8, '0')}`;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function run(label: string, count: number, send: (i: number) => Promise<void>): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t = performance.now();
        await send(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  say(`${label} ${count} messages in ${seconds.toFixed(1)} s: ${Math.round(count / seconds)} messages/s p50 ${Math.round(percentile(latencies, 50))} ms p99 ${Math.round(percentile(latencies, 99))} ms (concurrency ${CONCURRENCY})`);
}

let failed = false;
const fail = (why: string) => {
  failed = true;
  process.stderr.write(`${why}\n`);
};

try {
  const sim = await startAfricasTalkingSimulator({ dlrUrl: null, balanceKes: 1_000_000 });
  cleanups.push(() => sim.stop());
  const gateway: SmsGateway = createAfricasTalkingGateway({ username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sim.url });

  await run('sms gateway', MESSAGES, async (i) => {
    const [r] = await gateway.send({ to: [phoneOf(i)], message: `Bench message ${i}: your internet is active until 24 Dec 2026.`, from: 'MTANDAO' });
    if (r?.status !== 'sent') fail(`gateway message ${i}: ${r?.status} ${r?.providerStatus}`);
  });
  if (sim.messages().length !== MESSAGES) fail(`simulator inbox holds ${sim.messages().length}, expected ${MESSAGES}`);

  if (!process.argv.includes('--skip-db')) {
    const dir = mkdtempSync(join(tmpdir(), 'mtandao-bench-'));
    chmodSync(dir, 0o755); // the dedicated postgres OS user must reach its data directory
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), ephemeral: true, fast: true });
    cleanups.push(() => pg.stop());
    await pg.ensureDatabase('bench');
    const sql = createSql(pg.url('bench'), { max: CONCURRENCY });
    cleanups.push(() => sql.end({ timeout: 1 }));
    await migrate(sql);
    const [tenant] = await sql<{ id: string }[]>`insert into tenants (name, slug, status, sms_sender_id, paybill) values ('Bench ISP', 'bench', 'active', 'MTANDAO', '174379') returning id`;
    const { sendSms } = createSmsActivities({ sql, gateway });
    const before = sim.messages().length;
    const input = (i: number) => ({
      tenantId: tenant!.id,
      phone: `0${phoneOf(MESSAGES + i).slice(3)}`,
      template: 'payment_received' as const,
      language: (i % 2 ? 'sw' : 'en') as 'en' | 'sw',
      params: { name: `Bench${i}`, amount: '2,500', account: `MT${String(i).padStart(5, '0')}`, receipt: `SLK${i}`, expiry: '24 Dec 2026' },
      idempotencyKey: `bench:${i}`,
    });
    await run('sms sendSms activity (postgres log)', DB_MESSAGES, async (i) => {
      const r = await sendSms(input(i));
      if (r.status !== 'sent') fail(`activity message ${i}: ${r.status} ${r.failureReason}`);
    });
    // Every key again: the idempotency key must make each a no-op.
    await run('sms sendSms retries (same keys, nothing sent)', DB_MESSAGES, async (i) => {
      const r = await sendSms(input(i));
      if (r.sentNow) fail(`retry of message ${i} sent again`);
    });
    if (sim.messages().length - before !== DB_MESSAGES) fail(`the activity delivered ${sim.messages().length - before} messages, expected ${DB_MESSAGES}`);
  }
} catch (err) {
  fail(err instanceof Error ? (err.stack ?? err.message) : String(err));
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
