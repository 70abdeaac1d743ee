import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createRouterActivities, type UpsertPppoeSecretInput } from '../activities/mikrotik/activities';
import type { RouterTarget } from '../activities/mikrotik/gateway';
import { createRouterOsGateway } from '../activities/mikrotik/routeros-gateway';
import { secretsFrom } from '../config/env';
import { createSql } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { encryptSecret } from '../db/encryption';
import { migrate } from '../db/migrate';
import { routers } from '../db/queries/routers';
import { tenants } from '../db/queries/tenants';
import { DEMO_TENANT_SLUG, seedDemo } from '../db/seed';
import { freePort } from '../scripts/ports';
import { startRouterOsSimulator } from '../simulators/routeros/simulator';
import { resolveTemporalCli } from '../temporal/cli';
import { startDevServer } from '../temporal/dev-server';
import { ensureNamespace } from '../temporal/namespace';
import { routerUpsertSecretsInBatches } from '../test/fixtures/workflows/router-provisioning';

/**
 * `npx tsx bench/router-provisioning.ts`: 1,000 PPPoE secret upserts with read-back against one RouterOS
 * simulator answering every sentence 5 ms late, first through the gateway directly, then as Temporal
 * activities (dev server, embedded Postgres, the router row read and its password decrypted per
 * activity). Loopback only; the goal is ≥ 1,000 upserts a minute per router. Prints one line per figure.
 */
const UPSERTS = 1_000;
const LATENCY_MS = 5;
/** Matches the gateway's per-router bound: the direct run keeps exactly that many in flight. */
const IN_FLIGHT = 4;
const BATCH = 8;
const LIMIT_MS = 240_000;
const TASK_QUEUE = 'bench-router-provisioning';

const say = (line: string) => process.stdout.write(`${line}\n`);
const cleanups: (() => Promise<unknown>)[] = [];
const cleanUp = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
};
const watchdog = setTimeout(() => {
  process.stderr.write(`bench did not finish within ${LIMIT_MS / 1000} s\n`);
  void cleanUp().finally(() => process.exit(1));
}, LIMIT_MS);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function report(label: string, count: number, elapsedMs: number, latencies: number[]): void {
  const sorted = [...latencies].sort((a, b) => a - b);
  say(`router upserts ${label} ${count} in ${(elapsedMs / 1000).toFixed(1)} s: ${Math.round(count / (elapsedMs / 1000))}/s p50 ${Math.round(percentile(sorted, 50))} ms p99 ${Math.round(percentile(sorted, 99))} ms`);
}

let failed = false;
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const sim = await startRouterOsSimulator({ version: '7.18', tlsPort: false, controlPort: false });
  cleanups.push(() => sim.stop());
  await sim.controls.setFaults({ latencyMs: LATENCY_MS });
  const secretCount = (prefix: string) => (sim.controls.state().menus['/ppp/secret'] ?? []).filter((s) => s.name?.startsWith(prefix)).length;

  // 1. The gateway directly.
  const gateway = createRouterOsGateway({ maxPerRouter: IN_FLIGHT });
  const target: RouterTarget = { id: 'bench', name: 'Bench', host: sim.host, port: sim.port, tls: false, username: 'admin', password: 'mtandao' };
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < UPSERTS) {
        const i = next++;
        const t0 = performance.now();
        await gateway.upsertPppoeSecret(target, { name: `bench-d-${String(i).padStart(4, '0')}`, password: `pw-${i}`, profile: 'default', comment: `ACC-${i}` });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  report('direct', UPSERTS, performance.now() - started, latencies);
  await gateway.close();
  if (secretCount('bench-d-') !== UPSERTS) throw new Error(`direct: the router holds ${secretCount('bench-d-')} secrets, expected ${UPSERTS}`);

  // 2. Through Temporal activities.
  const dir = mkdtempSync(join(tmpdir(), 'mtandao-bench-'));
  chmodSync(dir, 0o755); // the dedicated postgres OS user must reach its data directory
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), ephemeral: true, fast: true });
  cleanups.push(() => pg.stop());
  await pg.ensureDatabase('bench');
  const sql = createSql(pg.url('bench'), { max: 8 });
  cleanups.push(() => sql.end({ timeout: 1 }));
  await migrate(sql);
  const { encryptionKey } = secretsFrom({});
  await seedDemo(sql, { encryptionKey });
  const tenantId = (await tenants.bySlug(sql, DEMO_TENANT_SLUG))!.id;
  const routerId = (await routers.list(sql, tenantId))[0]!.id;
  await sql`update routers set host = ${sim.host}, api_port = ${sim.port}, use_tls = false where id = ${routerId}`;

  const cliPath = await resolveTemporalCli({ explicit: process.env.TEMPORAL_CLI_PATH, log: (line) => process.stderr.write(`${line}\n`) });
  const devServer = await startDevServer({ cliPath, namespace: 'bench', port: await freePort() });
  cleanups.push(() => devServer.stop());
  const native = await NativeConnection.connect({ address: devServer.address });
  cleanups.push(() => native.close());
  await ensureNamespace(native, 'bench', 1);
  const connection = await Connection.connect({ address: devServer.address });
  cleanups.push(() => connection.close());
  const client = new Client({ connection, namespace: 'bench' });

  const activityGateway = createRouterOsGateway({ maxPerRouter: IN_FLIGHT });
  cleanups.push(() => activityGateway.close());
  const worker = await Worker.create({
    connection: native,
    namespace: 'bench',
    taskQueue: TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('../test/fixtures/workflows/router-provisioning.ts', import.meta.url)),
    activities: createRouterActivities({ sql, encryptionKey, gateway: activityGateway }),
  });
  const running = worker.run();
  cleanups.push(async () => {
    worker.shutdown();
    await running;
  });

  const inputs: UpsertPppoeSecretInput[] = Array.from({ length: UPSERTS }, (_, i) => ({
    tenantId,
    routerId,
    name: `bench-t-${String(i).padStart(4, '0')}`,
    passwordEnc: encryptSecret(`pw-${i}`, encryptionKey),
    profile: 'default',
    comment: `ACC-${i}`,
  }));
  const t0 = performance.now();
  const handle = await client.workflow.start(routerUpsertSecretsInBatches, { taskQueue: TASK_QUEUE, workflowId: `bench-${Date.now()}`, args: [inputs, BATCH] });
  const confirmed = await handle.result();
  const elapsed = performance.now() - t0;

  // Each activity's latency as the server saw it: scheduled → completed.
  const history = await handle.fetchHistory();
  const scheduledAt = new Map<string, number>();
  const activityLatencies: number[] = [];
  const millis = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
  for (const event of history.events ?? []) {
    if (event.activityTaskScheduledEventAttributes) scheduledAt.set(String(event.eventId), millis(event.eventTime));
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) activityLatencies.push(millis(event.eventTime) - scheduledAt.get(String(completed.scheduledEventId))!);
  }
  report('via temporal', confirmed, elapsed, activityLatencies);
  say(`router upserts via temporal: batches of ${BATCH} activities, ${IN_FLIGHT} router connections, latency = activity scheduled → completed`);
  if (confirmed !== UPSERTS || secretCount('bench-t-') !== UPSERTS) throw new Error(`via temporal: ${confirmed} confirmed, ${secretCount('bench-t-')} on the router, expected ${UPSERTS}`);
} catch (error) {
  failed = true;
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  await cleanUp();
  clearTimeout(watchdog);
}
process.exit(failed ? 1 : 0);
