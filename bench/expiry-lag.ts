import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createRouterOsGateway } from '../activities/mikrotik/routeros-gateway';
import { routerProfileName } from '../activities/mikrotik/activities';
import { secretsFrom } from '../config/env';
import { createSql } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { encryptSecret } from '../db/encryption';
import { migrate } from '../db/migrate';
import { customers } from '../db/queries/customers';
import { packages } from '../db/queries/packages';
import { recordPayment } from '../db/queries/payments';
import { routers } from '../db/queries/routers';
import { tenants } from '../db/queries/tenants';
import { DEMO_TENANT_SLUG, seedDemo } from '../db/seed';
import { freePort } from '../scripts/ports';
import { SIM_API_KEY, SIM_USERNAME } from '../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator } from '../simulators/africastalking/server';
import { startRouterOsSimulator } from '../simulators/routeros/simulator';
import { resolveTemporalCli } from '../temporal/cli';
import { startCustomerLifecycle } from '../temporal/customer-lifecycle';
import { startDevServer } from '../temporal/dev-server';
import { ensureNamespace } from '../temporal/namespace';
import { spawnEntry } from '../test/support/processes';
import { paymentReceivedSignal } from '../workflows/customer-lifecycle/messages';

/**
 * `npx tsx bench/expiry-lag.ts`: 1,000 prepaid customers on one RouterOS simulator, each online with a
 * live PPPoE session, whose expiries are spread over 60 s, each with its lifecycle workflow on the dev
 * server. Measures, at the router, expiry → secret disabled and session kicked; then pays 200 of them
 * and measures payment recorded → secret enabled again. Loopback only, bounded at 6 minutes.
 */
const CUSTOMERS = 1_000;
const SPREAD_MS = 60_000;
const LEAD_MS = 45_000;
const PAYERS = 200;
const LIMIT_MS = 360_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const cleanups: (() => Promise<unknown>)[] = [];
const cleanUp = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
};
const watchdog = setTimeout(() => {
  process.stderr.write(`bench did not finish within ${LIMIT_MS / 1000} s\n`);
  void cleanUp().finally(() => process.exit(1));
}, LIMIT_MS);

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `p50 ${Math.round(percentile(sorted, 50))} ms p99 ${Math.round(percentile(sorted, 99))} ms max ${Math.round(sorted.at(-1)!)} ms`;
};

let failed = false;
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const router = await startRouterOsSimulator({ version: '7.18', tlsPort: false, controlPort: false });
  cleanups.push(() => router.stop());
  const sms = await startAfricasTalkingSimulator({ dlrUrl: null });
  cleanups.push(() => sms.stop());

  const dir = mkdtempSync(join(tmpdir(), 'mtandao-bench-'));
  chmodSync(dir, 0o755);
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), ephemeral: true, fast: true });
  cleanups.push(() => pg.stop());
  await pg.ensureDatabase('bench');
  const sql = createSql(pg.url('bench'), { max: 16 });
  cleanups.push(() => sql.end({ timeout: 1 }));
  await migrate(sql);
  const { encryptionKey } = secretsFrom({});
  await seedDemo(sql, { encryptionKey });
  const tenant = (await tenants.bySlug(sql, DEMO_TENANT_SLUG))!;
  const routerId = (await routers.list(sql, tenant.id))[0]!.id;
  await sql`update routers set host = ${router.host}, api_port = ${router.port}, use_tls = false where id = ${routerId}`;
  const pkg = (await packages.list(sql, tenant.id, { kind: 'pppoe' }))[0]!;

  // Customers, their subscriptions, and what the router already holds for them: a secret and a live session.
  const created = await customers.createMany(
    sql,
    tenant.id,
    Array.from({ length: CUSTOMERS }, (_, i) => ({
      firstName: `Lag${i}`, lastName: 'Bench', phone: `25472${String(i).padStart(7, '0')}`, email: null, nationalId: null, kraPin: null,
      address: null, latitude: null, longitude: null, status: 'active' as const, notes: null,
    })),
  );
  const firstExpiry = Date.now() + LEAD_MS;
  const expiries = created.map((_, i) => firstExpiry + Math.floor((i * SPREAD_MS) / CUSTOMERS));
  await sql`
    insert into subscriptions (tenant_id, customer_id, package_id, router_id, service_username, service_password_enc, status, current_period_start, current_period_end, expires_at)
    select ${tenant.id}, c.id, ${pkg.id}, ${routerId}, lower(c.account_number), ${encryptSecret('bench-pw', encryptionKey)}, 'active',
      to_timestamp(e / 1000.0) - interval '1 month', to_timestamp(e / 1000.0), to_timestamp(e / 1000.0)
    from unnest(${sql.array(created.map((c) => c.id))}::uuid[], ${sql.array(expiries)}::float8[]) as x(id, e) join customers c on c.id = x.id`;
  const gateway = createRouterOsGateway({ maxPerRouter: 4 });
  const target = { id: routerId, name: 'Bench', host: router.host, port: router.port, tls: false, username: 'admin', password: 'mtandao' };
  await gateway.ensurePppoeProfile(target, { name: routerProfileName(pkg), rateLimit: '10M/10M' });
  for (let i = 0; i < created.length; i += 4) {
    // Static addresses: the simulator's dynamic pool is one /24, too small for a thousand sessions.
    await Promise.all(created.slice(i, i + 4).map((c, j) => gateway.upsertPppoeSecret(target, {
      name: c.accountNumber.toLowerCase(), password: 'bench-pw', profile: routerProfileName(pkg), remoteAddress: `10.20.${Math.floor((i + j) / 250)}.${2 + ((i + j) % 250)}`,
    })));
  }
  await gateway.close();
  for (const c of created) router.controls.dialPppoe({ name: c.accountNumber.toLowerCase(), password: 'bench-pw' });

  const cliPath = await resolveTemporalCli({ explicit: process.env.TEMPORAL_CLI_PATH, log: (line) => process.stderr.write(`${line}\n`) });
  const devServer = await startDevServer({ cliPath, namespace: 'bench', port: await freePort() });
  cleanups.push(() => devServer.stop());
  const native = await NativeConnection.connect({ address: devServer.address });
  cleanups.push(() => native.close());
  await ensureNamespace(native, 'bench', 1);
  const connection = await Connection.connect({ address: devServer.address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection, namespace: 'bench' });
  // The worker is its own process, as deployed (workers/main.ts): the simulators and this watcher do not share its thread.
  const worker = spawnEntry('workers/main.ts', {
    DATABASE_URL: pg.url('bench'), TEMPORAL_ADDRESS: devServer.address, TEMPORAL_NAMESPACE: 'bench',
    AT_USERNAME: SIM_USERNAME, AT_API_KEY: SIM_API_KEY, AT_BASE_URL: sms.url, LOG_LEVEL: 'info',
  });
  cleanups.push(async () => {
    worker.child.kill('SIGTERM');
    await worker.exited;
  });
  await worker.waitForLine(/"msg":"worker polling"/, 90_000);

  const handles: string[] = [];
  for (let i = 0; i < created.length; i += 50) {
    handles.push(...(await Promise.all(created.slice(i, i + 50).map((c, j) =>
      startCustomerLifecycle(client, sql, { tenantId: tenant.id, tenantSlug: tenant.slug, customerId: c.id, accountNumber: c.accountNumber, phone: `25472${String(i + j).padStart(7, '0')}`, start: 'adopt' }),
    ))));
  }
  const started = Date.now();
  if (started > firstExpiry - 5_000) throw new Error(`starting ${CUSTOMERS} workflows took too long: ${started - (firstExpiry - LEAD_MS)} ms`);
  say(`lifecycles started: ${CUSTOMERS} in ${((started - (firstExpiry - LEAD_MS)) / 1000).toFixed(1)} s (set-up included)`);

  // Watch the router's own change feed (what a `listen` command sees): when is each secret disabled with its session gone?
  const byName = new Map(created.map((c, i) => [c.accountNumber.toLowerCase(), i]));
  const activeName = new Map((router.controls.state().menus['/ppp/active'] ?? []).map((a) => [a['.id']!, a.name!]));
  const disabledAt = new Array<number | undefined>(CUSTOMERS).fill(undefined);
  const kickedAt = new Array<number | undefined>(CUSTOMERS).fill(undefined);
  const enabledAt = new Map<number, number>();
  const unwatch = router.controls.watch(({ path, row }) => {
    const now = Date.now();
    if (path === '/ppp/secret') {
      const i = byName.get(row.name ?? '');
      if (i === undefined) return;
      if (row.disabled === 'true') disabledAt[i] ??= now;
      else if (disabledAt[i] !== undefined) enabledAt.set(i, now);
    } else if (path === '/ppp/active') {
      if (row.name) activeName.set(row['.id']!, row.name);
      if (row['.dead'] === 'yes') {
        const i = byName.get(activeName.get(row['.id']!) ?? '');
        if (i !== undefined) kickedAt[i] ??= now;
      }
    }
  });
  cleanups.push(async () => unwatch());
  const suspendedAt = () => disabledAt.map((d, i) => (d === undefined || kickedAt[i] === undefined ? undefined : Math.max(d, kickedAt[i]!)));
  while (suspendedAt().some((t) => t === undefined) && Date.now() < firstExpiry + SPREAD_MS + 60_000) await new Promise((r) => setTimeout(r, 250));
  const lags = suspendedAt().flatMap((t, i) => (t === undefined ? [] : [t - expiries[i]!]));
  say(`expiry→secret-disabled-and-kicked lag ${summary(lags)} (${lags.length}/${CUSTOMERS} customers, expiries over ${SPREAD_MS / 1000} s, timed by the router's change feed)`);
  if (lags.length !== CUSTOMERS) throw new Error(`${CUSTOMERS - lags.length} customers were never suspended`);

  // Payments: recorded as the back office records cash, then signalled; measured until the secret is enabled.
  const payers = created.slice(0, PAYERS);
  const paidAt = new Array<number>(PAYERS);
  for (let i = 0; i < PAYERS; i++) {
    const c = payers[i]!;
    const recorded = await sql.begin((tx) => recordPayment(tx, { tenantId: tenant.id, customerId: c.id, method: 'cash', amountCents: pkg.priceCents, externalRef: `LAG-${i}`, receivedAt: new Date() }));
    paidAt[i] = Date.now();
    await client.workflow.getHandle(handles[i]!).signal(paymentReceivedSignal, { paymentId: recorded.paymentId, amountCents: pkg.priceCents, method: 'cash', receipt: `LAG-${i}` });
    // One payment every 50 ms: a busy paybill, not a synchronized burst.
    await new Promise((r) => setTimeout(r, 50));
  }
  const deadline = Date.now() + 60_000;
  while (enabledAt.size < PAYERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const reconnects = paidAt.flatMap((t, i) => (enabledAt.has(i) ? [enabledAt.get(i)! - t] : []));
  say(`payment→reconnected (secret enabled) ${summary(reconnects)} (${reconnects.length}/${PAYERS} payments, one every 50 ms)`);
  if (reconnects.length !== PAYERS) throw new Error(`${PAYERS - reconnects.length} payers were not reconnected`);
} catch (error) {
  failed = true;
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await cleanUp();
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
