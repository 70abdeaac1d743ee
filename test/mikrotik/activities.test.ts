import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { defaultFailureConverter, defaultPayloadConverter, ensureApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createRouterActivities, routerProfileName, type RouterActivities } from '../../activities/mikrotik/activities';
import { createRouterOsGateway } from '../../activities/mikrotik/routeros-gateway';
import { encryptSecret } from '../../db/encryption';
import { packages, type Package } from '../../db/queries/packages';
import { routers } from '../../db/queries/routers';
import { tenants } from '../../db/queries/tenants';
import { seedDemo } from '../../db/seed';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { testSecrets } from '../support/web';

/**
 * The router activities as Temporal runs them (MockActivityEnvironment), loading routers from a real
 * database and talking to the simulator over TCP and API-SSL. Failures are checked as the server
 * receives them: converted by the SDK's failure converter to type + nonRetryable.
 */
let db: TestDatabase;
let sim: RouterOsSimulator;
let tenantId: string;
let tcpRouter: string;
let tlsRouter: string;
let plans: Package[];
const key = testSecrets.encryptionKey;
const gateway = createRouterOsGateway({ callTimeoutMs: 1500, idleMs: 5000 });
let acts: RouterActivities;
// Failed attempts are what these tests provoke: keep the SDK's per-failure warning out of the output.
const mock = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
/** `MockActivityEnvironment.run`, typed by the activity it runs. */
const env = { run: <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> => mock.run(fn, ...args) };

before(async () => {
  sim = await startRouterOsSimulator({ version: '7.18' });
  db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: key });
  tenantId = (await tenants.bySlug(db.sql, 'demo'))!.id;
  const [a, b] = await routers.list(db.sql, tenantId);
  tcpRouter = a!.id;
  tlsRouter = b!.id;
  await db.sql`update routers set host = ${sim.host}, api_port = ${sim.port}, use_tls = false where id = ${tcpRouter}`;
  await db.sql`update routers set host = ${sim.host}, api_port = ${sim.tlsPort!}, use_tls = true where id = ${tlsRouter}`;
  plans = await packages.list(db.sql, tenantId);
  acts = createRouterActivities({ sql: db.sql, encryptionKey: key, gateway });
});
afterEach(async () => {
  await sim.controls.clearFaults();
  sim.controls.setCredentials({ password: 'mtandao' });
  sim.controls.setVersion('7.18');
});
after(async () => {
  await gateway.close();
  await sim.stop();
  await db.drop();
});

const plan = (name: string) => plans.find((p) => p.name === name)!;
const menu = (path: string) => sim.controls.state().menus[path] ?? [];

/** Activities on a gateway of their own: open connections survive a password change or a closed port, as on a router. */
async function withFreshPool<T>(fn: (fresh: RouterActivities) => Promise<T>): Promise<T> {
  const own = createRouterOsGateway({ callTimeoutMs: 1500 });
  try {
    return await fn(createRouterActivities({ sql: db.sql, encryptionKey: key, gateway: own }));
  } finally {
    await own.close();
  }
}

/** What the Temporal server records for a failed attempt. */
async function failureOf(promise: Promise<unknown>): Promise<{ type: string; nonRetryable: boolean; message: string }> {
  try {
    await promise;
  } catch (error) {
    // As the worker does (worker/lib/activity.js): ensureApplicationFailure, then the failure converter.
    const failure = defaultFailureConverter.errorToFailure(ensureApplicationFailure(error), defaultPayloadConverter);
    return { type: failure.applicationFailureInfo?.type ?? '', nonRetryable: failure.applicationFailureInfo?.nonRetryable ?? false, message: failure.message ?? '' };
  }
  throw new Error('expected the activity to fail');
}

for (const transport of ['tcp', 'tls'] as const) {
  describe(transport, () => {
    const ref = () => ({ tenantId, routerId: transport === 'tcp' ? tcpRouter : tlsRouter });

    test('PPPoE provisioning: profile from the package speeds, sealed secret password, enable/disable, kick, remove', async () => {
      const home10 = plan('Home 10 Mbps');
      const profile = await env.run(acts.ensurePppoeProfile, { ...ref(), packageId: home10.id });
      assert.equal(profile.name, routerProfileName(home10));
      assert.equal(profile.rateLimit, '10M/10M');
      assert.equal(profile.comment, 'Home 10 Mbps');
      assert.equal((await env.run(acts.ensurePppoeProfile, { ...ref(), packageId: home10.id })).id, profile.id);

      const name = `acct-${transport}`;
      const input = { ...ref(), name, passwordEnc: encryptSecret('s3cret', key), profile: profile.name, comment: 'ACC-1' };
      const secret = await env.run(acts.upsertPppoeSecret, input);
      assert.equal(secret.profile, profile.name);
      assert.equal(secret.disabled, false);
      assert.equal((await env.run(acts.upsertPppoeSecret, input)).id, secret.id);
      const stored = menu('/ppp/secret').filter((s) => s.name === name);
      assert.equal(stored.length, 1, 'upsert twice is one secret');
      assert.equal(stored[0]!.password, 's3cret', 'the worker opened the sealed password');

      assert.ok(sim.controls.dialPppoe({ name, password: 's3cret' }).ok);
      sim.controls.advanceClock(30);
      const sessions = await env.run(acts.readActiveSessions, ref());
      const live = sessions.pppoe.find((s) => s.name === name);
      assert.ok(live && live.downloadBytes! > 0 && live.uploadBytes! > 0, JSON.stringify(live));

      assert.equal((await env.run(acts.setPppoeSecretEnabled, { ...ref(), name, enabled: false }))?.disabled, true);
      assert.deepEqual(await env.run(acts.kickPppoeSession, { ...ref(), name }), { kicked: 1 });
      assert.equal((await env.run(acts.setPppoeSecretEnabled, { ...ref(), name, enabled: true }))?.disabled, false);
      assert.deepEqual(await env.run(acts.removePppoeSecret, { ...ref(), name }), { removed: 1 });
      assert.deepEqual(await env.run(acts.removePppoeSecret, { ...ref(), name }), { removed: 0 });
    });

    test('hotspot: profile from the package, voucher user with uptime, data cap and MAC lock, API login, remove', async () => {
      const week = plan('7 days');
      const profile = await env.run(acts.ensureHotspotProfile, { ...ref(), packageId: week.id });
      assert.equal(profile.sharedUsers, week.sharedDevices);
      assert.equal(profile.rateLimit, `${week.uploadKbps / 1000}M/${week.downloadKbps / 1000}M`);
      const user = `vch-${transport}`;
      const mac = transport === 'tcp' ? 'AA:00:00:00:01:01' : 'AA:00:00:00:01:02';
      const created = await env.run(acts.upsertHotspotUser, { ...ref(), name: user, password: '4821', profile: profile.name, limitUptime: '1w', limitBytesTotal: 10_000_000_000, macAddress: mac });
      assert.equal(created.limitUptime, '1w');
      assert.equal(created.macAddress, mac);
      sim.controls.joinHotspot({ mac });
      const session = await env.run(acts.loginHotspotDevice, { ...ref(), user, password: '4821', mac });
      assert.equal(session.user, user);
      assert.equal((await env.run(acts.readActiveSessions, ref())).hotspot.filter((s) => s.user === user).length, 1);
      assert.deepEqual(await env.run(acts.removeHotspotUser, { ...ref(), name: user }), { removed: 1, kicked: 1 });
    });

    test('health: identity and resources, and the router is recorded online', async () => {
      const health = await env.run(acts.readRouterHealth, ref());
      assert.equal(health.identity, 'MikroTik');
      const row = await routers.get(db.sql, tenantId, ref().routerId);
      assert.equal(row?.status, 'online');
      assert.ok(row?.lastSeenAt && Date.now() - row.lastSeenAt.getTime() < 10_000);
    });

    test('wrong router password: RouterAuthFailed, non-retryable', async () => {
      sim.controls.setCredentials({ password: 'rotated-on-the-router' });
      const seen = await withFreshPool((fresh) => failureOf(env.run(fresh.readActiveSessions, ref())));
      assert.equal(seen.type, 'RouterAuthFailed');
      assert.equal(seen.nonRetryable, true);
      assert.match(seen.message, /refused the API login/);
    });

    test('refused connections: RouterUnreachable, retryable; the health check records offline', async () => {
      await sim.controls.setFaults({ refuse: 'stop-listening' });
      const seen = await withFreshPool((fresh) => failureOf(env.run(fresh.readRouterHealth, ref())));
      assert.deepEqual({ type: seen.type, nonRetryable: seen.nonRetryable }, { type: 'RouterUnreachable', nonRetryable: false });
      assert.match(seen.message, /router "(Kahawa Core|Roysambu Tower)" \(127\.0\.0\.1:\d+.*refused the connection/);
      assert.equal((await routers.get(db.sql, tenantId, ref().routerId))?.status, 'offline');
    });
  });
}

describe('faults as Temporal sees them', () => {
  const ref = () => ({ tenantId, routerId: tcpRouter });
  const secret = (name: string) => ({ ...ref(), name, password: 'pw', profile: 'default' });

  test('latency beyond the per-call timeout: retryable', async () => {
    await sim.controls.setFaults({ latencyMs: 2500 });
    const seen = await failureOf(env.run(acts.upsertPppoeSecret, secret('slow')));
    assert.equal(seen.type, 'RouterUnreachable');
    assert.equal(seen.nonRetryable, false);
    assert.match(seen.message, /within 1500 ms/);
  });

  test('reset mid-reply: retryable', async () => {
    await env.run(acts.readRouterHealth, ref());
    await sim.controls.setFaults({ disconnectMidReply: 'reset' });
    const seen = await failureOf(env.run(acts.readActiveSessions, ref()));
    assert.deepEqual([seen.type, seen.nonRetryable], ['RouterUnreachable', false]);
    assert.match(seen.message, /reset the connection/);
  });

  test('!fatal: retryable', async () => {
    await env.run(acts.readRouterHealth, ref());
    await sim.controls.setFaults({ fatal: 'API service disabled' });
    const seen = await failureOf(env.run(acts.upsertPppoeSecret, secret('fatal')));
    assert.deepEqual([seen.type, seen.nonRetryable], ['RouterUnreachable', false]);
  });

  test('!empty on RouterOS 7.18 neither crashes nor fails: an empty print is just nothing', async () => {
    assert.deepEqual(await env.run(acts.removeHotspotUser, { ...ref(), name: 'nobody' }), { removed: 0, kicked: 0 });
    assert.deepEqual(await env.run(acts.kickPppoeSession, { ...ref(), name: 'nobody' }), { kicked: 0 });
    assert.equal(await env.run(acts.setPppoeSecretEnabled, { ...ref(), name: 'nobody', enabled: false }), null);
  });

  test('unknown profile and invalid input: non-retryable with stable types', async () => {
    const unknown = await failureOf(env.run(acts.upsertPppoeSecret, { ...secret('orphan'), profile: 'gone' }));
    assert.deepEqual([unknown.type, unknown.nonRetryable], ['RouterUnknownProfile', true]);
    const invalid = await failureOf(env.run(acts.upsertHotspotUser, { ...ref(), name: 'bad', password: 'x', profile: 'default', limitUptime: 'forever' }));
    assert.deepEqual([invalid.type, invalid.nonRetryable], ['RouterInvalidInput', true]);
    const wrongKind = await failureOf(env.run(acts.ensurePppoeProfile, { ...ref(), packageId: plan('1 hour').id }));
    assert.deepEqual([wrongKind.type, wrongKind.nonRetryable], ['RouterInvalidInput', true]);
  });

  test('a router of another ISP, or none: RouterNotFound, non-retryable', async () => {
    const seen = await failureOf(env.run(acts.readRouterHealth, { tenantId: '00000000-0000-0000-0000-000000000000', routerId: tcpRouter }));
    assert.deepEqual([seen.type, seen.nonRetryable], ['RouterNotFound', true]);
  });
});
