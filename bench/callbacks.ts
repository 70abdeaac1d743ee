import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paymentWebhookPaths } from '../activities/mpesa/activities';
import { secretsFrom } from '../config/env';
import { createLogger } from '../config/logger';
import { createSql } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { tenants } from '../db/queries/tenants';
import { DEMO_TENANT_SLUG, seedDemo } from '../db/seed';
import { freePort } from '../scripts/ports';
import { createTemporalClient } from '../temporal/client';
import { buildApp } from '../web/server/app';

/**
 * `npx tsx bench/callbacks.ts`: Daraja C2B confirmations against the real web app (production build,
 * `buildApp`) on loopback, from a separate load process (bench/callbacks-load.ts). C2B confirmations need
 * no Temporal (stored raw, acknowledged, then recorded as payments in the background), so the app gets a
 * lazy Temporal client pointing at nothing. Afterwards: zero loss checked in the database (every TransID
 * stored exactly once, and recorded as exactly one payment), and the raw single-row INSERT rate into
 * mpesa_events measured with postgres.js in the same run. Prints one line per figure.
 */
const COUNT = Number(process.env.BENCH_COUNT ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const LOAD_LIMIT_MS = 60_000;
const RAW_INSERTS = 5_000;
const LIMIT_MS = 240_000;
const PREFIX = 'BNCH';

const say = (line: string) => process.stdout.write(`${line}\n`);
let cleanup = async () => {};
const watchdog = setTimeout(() => {
  process.stderr.write(`bench did not finish within ${LIMIT_MS / 1000} s\n`);
  void cleanup().finally(() => process.exit(1));
}, LIMIT_MS);

if (!existsSync(fileURLToPath(new URL('../web/build/server/index.js', import.meta.url)))) {
  process.stderr.write('web/build is missing: run `npm run build:web` first\n');
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'mtandao-bench-'));
chmodSync(dir, 0o755); // the dedicated postgres OS user must reach its data directory
const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), ephemeral: true, fast: true });
cleanup = async () => {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
};
let failed = false;
try {
  await pg.ensureDatabase('bench');
  // The pool size the web server runs with (createSql's default).
  const sql = createSql(pg.url('bench'));
  const temporal = createTemporalClient(`127.0.0.1:${await freePort()}`, 'bench');
  const secrets = { ...secretsFrom({}), secureCookies: false };
  try {
    await migrate(sql);
    await seedDemo(sql, { encryptionKey: secrets.encryptionKey });
    const tenant = (await tenants.bySlug(sql, DEMO_TENANT_SLUG))!;
    const accounts = (await sql<{ accountNumber: string }[]>`
      select account_number as "accountNumber" from customers where tenant_id = ${tenant.id} order by account_number limit 50`).map((r) => r.accountNumber);
    // Requests logged at warn and above only: one info line per request would measure the terminal.
    const app = await buildApp({ sql, temporal, log: createLogger('web', 'warn'), remix: 'build', secrets });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}${paymentWebhookPaths.c2bConfirmation(secrets.paymentWebhookToken)}`;
    try {
      const load = await runLoad({
        BENCH_URL: url,
        BENCH_COUNT: String(COUNT),
        BENCH_CONCURRENCY: String(CONCURRENCY),
        BENCH_LIMIT_MS: String(LOAD_LIMIT_MS),
        BENCH_PREFIX: PREFIX,
        BENCH_SHORTCODE: tenant.paybill ?? '174379',
        BENCH_ACCOUNTS: accounts.join(','),
      });
      // Background delivery (payment + ledger) finishes after the acks; wait for it, bounded.
      const expected = load.acked;
      const settleBy = Date.now() + 60_000;
      let recorded = 0;
      while (Date.now() < settleBy) {
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from payments where external_ref like ${`${PREFIX}%`}`;
        recorded = row!.n;
        if (recorded >= expected) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const [events] = await sql<{ stored: number; distinct: number; dupes: number }[]>`
        select count(*)::int as stored, count(distinct natural_key)::int as distinct,
          (select count(*)::int from (select natural_key from mpesa_events where natural_key like ${`${PREFIX}%`} group by kind, natural_key having count(*) > 1) d) as dupes
        from mpesa_events where kind = 'c2b_confirmation' and natural_key like ${`${PREFIX}%`}`;
      const [pay] = await sql<{ payments: number; distinct: number }[]>`
        select count(*)::int as payments, count(distinct external_ref)::int as distinct from payments where external_ref like ${`${PREFIX}%`}`;
      const lost = Math.max(0, load.acked - events!.distinct);
      const perSecond = Math.round(load.acked / (load.elapsedMs / 1000));
      say(`callbacks accepted ${perSecond}/s (${load.sent} sent, ${load.acked} acked, ${events!.stored} stored, ${lost} lost, ${load.failed} failed${load.timedOut ? `, stopped at the ${LOAD_LIMIT_MS / 1000} s limit` : ''}; concurrency ${CONCURRENCY})`);
      say(`callback ack latency p50 ${load.p50.toFixed(1)} ms p99 ${load.p99.toFixed(1)} ms max ${load.max.toFixed(1)} ms (all ${load.acked})`);
      say(`callback ack latency after the first 500 p50 ${load.steadyP50.toFixed(1)} ms p99 ${load.steadyP99.toFixed(1)} ms`);
      say(`callbacks recorded as payments ${pay!.payments} (${pay!.distinct} distinct receipts, ${events!.dupes} duplicate events)`);
      if (lost > 0 || load.failed > 0 || events!.stored !== events!.distinct || events!.dupes > 0 || pay!.payments !== load.acked || pay!.distinct !== pay!.payments) {
        failed = true;
        process.stderr.write(`loss or duplication: ${JSON.stringify({ load, events, pay })}\n`);
      }
    } finally {
      await app.close();
    }

    // Raw single-row INSERTs into mpesa_events via postgres.js: one connection in sequence, then the pool.
    const raw = (i: number) => ({ kind: 'c2b_confirmation', natural_key: `RAW${String(i).padStart(8, '0')}`, body: sql.json({ TransID: `RAW${i}`, TransAmount: '100.00' }), source_ip: '127.0.0.1' });
    const one = createSql(pg.url('bench'), { max: 1 });
    try {
      const t0 = performance.now();
      for (let i = 0; i < RAW_INSERTS; i++) await one`insert into mpesa_events ${one(raw(i))}`;
      say(`raw event insert ${Math.round(RAW_INSERTS / ((performance.now() - t0) / 1000))} rows/s (single-row, 1 connection, sequential)`);
    } finally {
      await one.end({ timeout: 1 });
    }
    const t1 = performance.now();
    let i = RAW_INSERTS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (i < 2 * RAW_INSERTS) await sql`insert into mpesa_events ${sql(raw(i++))}`;
      }),
    );
    say(`raw event insert ${Math.round(RAW_INSERTS / ((performance.now() - t1) / 1000))} rows/s (single-row, ${CONCURRENCY} in flight on the web pool)`);
    say(`bench host ${cpus().length} cores; load generator in a separate process on the same host`);
  } finally {
    await temporal.connection.close().catch(() => undefined);
    await sql.end({ timeout: 1 });
  }
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);

interface LoadResult {
  sent: number;
  acked: number;
  failed: number;
  elapsedMs: number;
  p50: number;
  p99: number;
  steadyP50: number;
  steadyP99: number;
  max: number;
  timedOut: boolean;
  errors: Record<string, number>;
}

/** Runs bench/callbacks-load.ts in its own Node process and reads its one JSON line. */
function runLoad(env: Record<string, string>): Promise<LoadResult> {
  const script = fileURLToPath(new URL('./callbacks-load.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load process exited ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as LoadResult);
      } catch {
        reject(new Error(`load process printed no result: ${out}`));
      }
    });
  });
}
