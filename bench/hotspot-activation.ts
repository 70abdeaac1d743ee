import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Connection, Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { secretsFrom } from '../config/env';
import { createLogger } from '../config/logger';
import { createSql } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { migrate } from '../db/migrate';
import { packages } from '../db/queries/packages';
import { routers } from '../db/queries/routers';
import { tenants } from '../db/queries/tenants';
import { DEMO_TENANT_SLUG, seedDemo } from '../db/seed';
import { freePort } from '../scripts/ports';
import { SIM_API_KEY, SIM_USERNAME } from '../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator } from '../simulators/africastalking/server';
import { SANDBOX_PASSKEY, SANDBOX_SHORTCODE, SIM_CONSUMER_KEY, SIM_CONSUMER_SECRET } from '../simulators/daraja/defaults';
import { startDarajaSimulator } from '../simulators/daraja/server';
import { startRouterOsSimulator } from '../simulators/routeros/simulator';
import { resolveTemporalCli } from '../temporal/cli';
import type { TemporalClient } from '../temporal/client';
import { startDevServer } from '../temporal/dev-server';
import { ensureNamespace } from '../temporal/namespace';
import { createCoreWorker } from '../workers/core-worker';
import { buildApp } from '../web/server/app';

/**
 * `npx tsx bench/hotspot-activation.ts` (needs `npm run build:web`): hotspot guests buying through the real
 * portal (production build) on loopback, with the Daraja, Africa's Talking and RouterOS simulators, embedded
 * Postgres, the Temporal dev server and the core worker. The latency is from Daraja's STK callback reaching
 * the webhook (mpesa_events.received_at) to the device logged in on the router (hotspot_purchases.logged_in_at).
 * Also prints the portal page's transfer size (HTML, CSS, JS). Bounded: GUESTS purchases, CONCURRENCY at a time.
 */
const GUESTS = Number(process.env.BENCH_COUNT ?? 60);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 6);
const LIMIT_MS = 240_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const cleanups: (() => Promise<unknown>)[] = [];
const cleanUp = async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
};
const watchdog = setTimeout(() => {
  process.stderr.write(`bench did not finish within ${LIMIT_MS / 1000} s\n`);
  void cleanUp().finally(() => process.exit(1));
}, LIMIT_MS);

if (!existsSync(fileURLToPath(new URL('../web/build/server/index.js', import.meta.url)))) {
  process.stderr.write('web/build is missing: run `npm run build:web` first\n');
  process.exit(2);
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

let failed = false;
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = mkdtempSync(join(tmpdir(), 'mtandao-bench-'));
  chmodSync(dir, 0o755); // the dedicated postgres OS user must reach its data directory
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: await freePort(), ephemeral: true, fast: true });
  cleanups.push(() => pg.stop());
  await pg.ensureDatabase('bench');
  const sql = createSql(pg.url('bench'));
  cleanups.push(() => sql.end({ timeout: 1 }));
  await migrate(sql);
  const secrets = { ...secretsFrom({}), secureCookies: false };
  await seedDemo(sql, { encryptionKey: secrets.encryptionKey });
  const tenantId = (await tenants.bySlug(sql, DEMO_TENANT_SLUG))!.id;
  const routerId = (await routers.list(sql, tenantId))[0]!.id;
  const hour = (await packages.list(sql, tenantId, { kind: 'hotspot' })).find((p) => p.name === '1 hour')!;

  const router = await startRouterOsSimulator({ version: '7.18', tlsPort: false, controlPort: false });
  cleanups.push(() => router.stop());
  await sql`update routers set host = ${router.host}, api_port = ${router.port}, use_tls = false where id = ${routerId}`;
  const daraja = await startDarajaSimulator({ callbackDelayMs: 300 });
  cleanups.push(() => daraja.stop());
  const sms = await startAfricasTalkingSimulator({ dlrUrl: null });
  cleanups.push(() => sms.stop());

  const cliPath = await resolveTemporalCli({ explicit: process.env.TEMPORAL_CLI_PATH, log: (line) => process.stderr.write(`${line}\n`) });
  const devServer = await startDevServer({ cliPath, namespace: 'bench', port: await freePort() });
  cleanups.push(() => devServer.stop());
  const native = await NativeConnection.connect({ address: devServer.address });
  cleanups.push(() => native.close());
  await ensureNamespace(native, 'bench', 1);
  const connection = await Connection.connect({ address: devServer.address });
  cleanups.push(() => connection.close());
  const temporal = new Client({ connection, namespace: 'bench' }) as TemporalClient;

  const app = await buildApp({ sql, temporal, log: createLogger('web', 'warn'), remix: 'build', secrets });
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => app.close());
  const web = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const worker = await createCoreWorker({
    connection: native,
    namespace: 'bench',
    sql,
    encryptionKey: secrets.encryptionKey,
    sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sms.url },
    daraja: {
      baseUrl: daraja.url,
      consumerKey: SIM_CONSUMER_KEY,
      consumerSecret: SIM_CONSUMER_SECRET,
      shortcode: SANDBOX_SHORTCODE,
      passkey: SANDBOX_PASSKEY,
      timeoutMs: 5000,
      publicUrl: web,
      webhookToken: secrets.paymentWebhookToken,
    },
  });
  const running = worker.run();
  cleanups.push(async () => {
    worker.shutdown();
    await running;
  });

  const redirect = (mac: string, ip: string) =>
    new URLSearchParams({ router: routerId, mac, ip, 'link-login-only': 'http://10.5.50.1/login', 'link-orig': 'http://example.com/', 'server-name': 'hotspot1' }).toString();

  // The portal page as a phone fetches it: the HTML, then the stylesheet it links, then any scripts.
  const first = router.controls.joinHotspot({ mac: '02:BE:00:00:00:01' });
  const pageUrl = `${web}/hotspot?${redirect('02:BE:00:00:00:01', String(first.address))}`;
  const html = await (await fetch(pageUrl)).text();
  const assets = [...html.matchAll(/<(?:link[^>]+href|script[^>]+src)="([^"]+)"/g)].map((m) => m[1]!).filter((h) => /\.(css|js)$/.test(h));
  const bodies = await Promise.all(assets.map(async (a) => ({ js: a.endsWith('.js'), body: Buffer.from(await (await fetch(new URL(a, web))).arrayBuffer()) })));
  const css = bodies.filter((b) => !b.js).reduce((n, b) => n + b.body.length, 0);
  const js = bodies.filter((b) => b.js).reduce((n, b) => n + b.body.length, 0);
  const zipped = gzipSync(html).length + bodies.reduce((n, b) => n + gzipSync(b.body).length, 0);
  const scriptTags = (html.match(/<script/g) ?? []).length;
  say(
    `portal page transfer size ${kb(Buffer.byteLength(html) + css + js)} uncompressed (HTML ${kb(Buffer.byteLength(html))}, CSS ${kb(css)}, JS ${kb(js)}, ${scriptTags} script tags); ${kb(zipped)} if a proxy gzips`,
  );

  let next = 0;
  const t0 = performance.now();
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < GUESTS) {
        const i = next++;
        const mac = `02:BE:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase();
        const host = router.controls.joinHotspot({ mac });
        const q = redirect(mac, String(host.address));
        const res = await fetch(`${web}/hotspot?index&${q}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `${q}&package=${hour.id}&phone=0713${String(5000 + i).padStart(6, '0')}`,
        });
        if (res.status !== 302) throw new Error(`purchase ${i}: HTTP ${res.status}`);
        const id = res.headers.get('location')!.split('/').pop()!;
        ids.push(id);
        // A guest waits on the status page before the next one on this "phone" starts.
        for (;;) {
          const [row] = await sql<{ status: string }[]>`select status from hotspot_purchases where id = ${id}`;
          if (row?.status === 'active') break;
          if (row?.status === 'unpaid' || row?.status === 'credited') throw new Error(`purchase ${i} ended ${row.status}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const rows = await sql<{ ms: number }[]>`
    select extract(epoch from (h.logged_in_at - e.received_at)) * 1000 as ms
    from hotspot_purchases h
    join mpesa_checkouts c on c.workflow_id = 'mpesa-' || h.tenant_id || '-' || h.id
    join mpesa_events e on e.kind = 'stk_callback' and e.natural_key = c.checkout_request_id
    where h.id in ${sql(ids)} and h.logged_in_at is not null`;
  if (rows.length !== GUESTS) throw new Error(`only ${rows.length} of ${GUESTS} guests were logged in after a callback`);
  const sorted = rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
  say(`${GUESTS} hotspot purchases, ${CONCURRENCY} at a time, in ${(elapsed / 1000).toFixed(1)} s`);
  say(`callback→device-logged-in latency p50 ${Math.round(percentile(sorted, 50))} ms p99 ${Math.round(percentile(sorted, 99))} ms`);
} catch (err) {
  failed = true;
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
process.exit(failed ? 1 : 0);
