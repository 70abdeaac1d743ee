import type { AddressInfo } from 'node:net';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { createLogger } from '../../config/logger';
import { packages } from '../../db/queries/packages';
import { routers } from '../../db/queries/routers';
import { tenants } from '../../db/queries/tenants';
import { seedDemo } from '../../db/seed';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { SANDBOX_PASSKEY, SANDBOX_SHORTCODE, SIM_CONSUMER_KEY, SIM_CONSUMER_SECRET } from '../../simulators/daraja/defaults';
import { startDarajaSimulator, type DarajaSimulator } from '../../simulators/daraja/server';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import type { TemporalClient } from '../../temporal/client';
import { createCoreWorker } from '../../workers/core-worker';
import { buildApp } from '../../web/server/app';
import { WEBHOOK_TOKEN } from '../payments/support';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { devServerEnvironment, type DevServerTestEnvironment } from '../support/temporal';
import { testSecrets } from '../support/web';

/**
 * Everything a hotspot guest touches, real and on loopback: the demo seed with its first router pointed at
 * a RouterOS simulator, the Daraja and Africa's Talking simulators, the web app (production build) receiving
 * Daraja's callbacks, and the core worker on this file's own Temporal namespace.
 */
export interface HotspotRig {
  db: TestDatabase;
  router: RouterOsSimulator;
  daraja: DarajaSimulator;
  sms: AfricasTalkingSimulator;
  temporal: DevServerTestEnvironment;
  worker: Worker;
  app: FastifyInstance;
  webUrl: string;
  tenantId: string;
  routerId: string;
  packageIds: { hour: string; day: string; week: string };
  close(): Promise<void>;
}

export async function startHotspotRig(opts: { callbackDelayMs?: number } = {}): Promise<HotspotRig> {
  const db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  const tenantId = (await tenants.bySlug(db.sql, 'demo'))!.id;
  const router = await startRouterOsSimulator({ version: '7.18', controlPort: false, tlsPort: false });
  const routerId = (await routers.list(db.sql, tenantId))[0]!.id;
  await db.sql`update routers set host = ${router.host}, api_port = ${router.port}, use_tls = false where id = ${routerId}`;
  const plans = await packages.list(db.sql, tenantId, { kind: 'hotspot' });
  const byName = (n: string) => plans.find((p) => p.name === n)!.id;
  const daraja = await startDarajaSimulator({ callbackDelayMs: opts.callbackDelayMs ?? 100 });
  const sms = await startAfricasTalkingSimulator({ dlrUrl: null });
  const temporal = await devServerEnvironment();
  const app = await buildApp({ sql: db.sql, temporal: temporal.env.client as TemporalClient, log: createLogger('web', process.env.MTANDAO_TEST_LOG === 'web' ? 'info' : 'silent'), remix: 'build', secrets: testSecrets });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const webUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const worker = await createCoreWorker({
    connection: temporal.env.nativeConnection,
    namespace: temporal.namespace,
    sql: db.sql,
    encryptionKey: testSecrets.encryptionKey,
    sms: { username: SIM_USERNAME, apiKey: SIM_API_KEY, baseUrl: sms.url },
    daraja: {
      baseUrl: daraja.url,
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
    router,
    daraja,
    sms,
    temporal,
    worker,
    app,
    webUrl,
    tenantId,
    routerId,
    packageIds: { hour: byName('1 hour'), day: byName('24 hours'), week: byName('7 days') },
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await app.close();
      await daraja.stop();
      await sms.stop();
      await router.stop();
      await temporal.env.teardown();
      await db.drop();
    },
  };
}

/** The query string the router's login.html sends (facts §4.1), for a device that has joined the hotspot. */
export function redirectParams(rig: HotspotRig, device: { mac: string; ip: string }, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    router: rig.routerId,
    mac: device.mac,
    ip: device.ip,
    'link-login-only': 'http://10.5.50.1/login',
    'link-orig': 'http://example.com/',
    'chap-id': '\\371',
    'chap-challenge': '\\357\\015\\330\\013\\021\\234\\145\\245\\303\\253\\142\\246\\133\\175\\375\\316',
    'server-name': 'hotspot1',
    ...extra,
  }).toString();
}

/** A device joins the simulated hotspot network (shows in /ip/hotspot/host) and gets an address. */
export function joinDevice(rig: HotspotRig, n: number): { mac: string; ip: string } {
  const hex = (x: number) => x.toString(16).padStart(2, '0');
  const mac = `02:00:00:${hex((n >> 16) & 255)}:${hex((n >> 8) & 255)}:${hex(n & 255)}`.toUpperCase();
  const host = rig.router.controls.joinHotspot({ mac });
  return { mac, ip: String(host.address) };
}

export function activeSessions(rig: HotspotRig): { user: string; 'mac-address': string }[] {
  return (rig.router.controls.state().menus['/ip/hotspot/active'] ?? []) as unknown as { user: string; 'mac-address': string }[];
}

/**
 * What the router's hotspot servlet does with hotspot/login.html: fills in `$(var)` and `$(var-esc)` (facts
 * §4.1). The operator's two edits (portal address, router id) are applied too, as the download would.
 */
export function renderLoginHtml(template: string, portal: string, routerId: string, vars: Record<string, string>): string {
  return template
    .replaceAll('https://PORTAL.EXAMPLE', portal)
    .replaceAll('ROUTER-ID', routerId)
    .replace(/\$\(([a-z-]+?)(-esc)?\)/g, (_m, name: string, esc?: string) => {
      const value = vars[name] ?? '';
      return esc ? encodeURIComponent(value) : value;
    });
}
