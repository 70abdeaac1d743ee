import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RouterTarget } from '../../activities/mikrotik/gateway';
import { createRouterOsGateway } from '../../activities/mikrotik/routeros-gateway';
import { createUsageActivities, sessionDelta, type UsageCollection } from '../../activities/mikrotik/usage';
import { decryptSecret } from '../../db/encryption';
import { routers } from '../../db/queries/routers';
import { tenants } from '../../db/queries/tenants';
import { usage } from '../../db/queries/usage';
import { seedDemo } from '../../db/seed';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { testSecrets } from '../support/web';

/**
 * Usage metering against the simulator over TCP and a real Postgres. The activity is called with explicit
 * sample instants (what the workflow passes from its clock) while the simulator's clock is moved through
 * its control API, so an hour of traffic takes seconds. Expected bytes come from the simulator's own
 * counters (GET /state), never from the code under test.
 */
let sim: RouterOsSimulator;
let db: TestDatabase;
let tenantId: string;
let routerId: string;
let subscriptionId: string;
let user: { name: string; password: string };
const gateway = createRouterOsGateway({ callTimeoutMs: 10_000 });
let collect: (sampleAt: number) => Promise<UsageCollection>;

const UP_BPS = 2_000_000;
const DOWN_BPS = 8_000_000;
// 12:02:30 in Nairobi: twelve samples in the 09:00 UTC hour, the thirteenth in the 10:00 one.
const T0 = Date.parse('2026-11-20T09:02:30Z');
const STEP = 300;
const at = (k: number) => T0 + k * STEP * 1000;

async function control<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${sim.controlUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = (await response.json()) as T;
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

interface SimSession {
  id: string;
  name?: string;
  user?: string;
  upBytes: number;
  downBytes: number;
}

async function simSessions(): Promise<{ ppp: SimSession[]; hotspot: SimSession[] }> {
  return (await control<{ sessions: { ppp: SimSession[]; hotspot: SimSession[] } }>('GET', '/state')).sessions;
}

async function counters(name: string): Promise<SimSession> {
  const s = (await simSessions()).ppp.find((p) => p.name === name);
  assert.ok(s, `${name} is connected`);
  return s;
}

async function recorded(username: string): Promise<{ daily: { up: number; down: number }; hourly: { hour: string; up: number; down: number }[] }> {
  const [daily] = await db.sql<{ up: number; down: number }[]>`
    select coalesce(sum(upload_bytes), 0)::bigint as up, coalesce(sum(download_bytes), 0)::bigint as down from usage_daily where router_id = ${routerId} and username = ${username}`;
  const hourly = await db.sql<{ hour: Date; up: number; down: number }[]>`
    select hour, upload_bytes as up, download_bytes as down from usage_hourly where router_id = ${routerId} and username = ${username} order by hour`;
  return { daily: daily!, hourly: hourly.map((h) => ({ hour: h.hour.toISOString(), up: h.up, down: h.down })) };
}

before(async () => {
  sim = await startRouterOsSimulator({ version: '7.18', tlsPort: false });
  db = await createTestDatabase();
  await seedDemo(db.sql, { encryptionKey: testSecrets.encryptionKey });
  tenantId = (await tenants.bySlug(db.sql, 'demo'))!.id;
  routerId = (await routers.list(db.sql, tenantId))[0]!.id;
  await db.sql`update routers set host = ${sim.host}, api_port = ${sim.port}, use_tls = false where id = ${routerId}`;
  const [sub] = await db.sql<{ id: string; name: string; passwordEnc: string }[]>`
    select s.id, s.service_username as name, s.service_password_enc as "passwordEnc" from subscriptions s join packages p on p.id = s.package_id
    where s.router_id = ${routerId} and s.status = 'active' and p.kind = 'pppoe' order by s.service_username limit 1`;
  assert.ok(sub, 'the demo seed has an active PPPoE subscription on the router');
  subscriptionId = sub.id;
  user = { name: sub.name, password: decryptSecret(sub.passwordEnc, testSecrets.encryptionKey) };
  const target: RouterTarget = { id: routerId, name: 'Kahawa Core', host: sim.host, port: sim.port, tls: false, username: 'admin', password: 'mtandao' };
  // The default profile has no rate-limit, so the simulator's rates are the traffic.
  await gateway.upsertPppoeSecret(target, { name: user.name, password: user.password, profile: 'default' });
  const activities = createUsageActivities({ sql: db.sql, encryptionKey: testSecrets.encryptionKey, gateway });
  collect = (sampleAt) => activities.collectUsage({ tenantId, routerId, sampleAt: new Date(sampleAt).toISOString() });
});

after(async () => {
  await gateway.close();
  await sim?.stop();
  await db?.drop();
});

test('an hour of PPPoE traffic with a reconnect in the middle is recorded exactly once', { timeout: 120_000 }, async () => {
  const wallStart = Date.now();
  await control('POST', '/ppp/dial', { name: user.name, password: user.password, upBps: UP_BPS, downBps: DOWN_BPS });
  const first = await collect(at(0));
  assert.equal(first.outcome, 'recorded', first.error ?? '');
  assert.equal(first.started, 1, 'a new session counts from zero');

  let sessionOne: SimSession | undefined;
  for (let k = 1; k <= 12; k++) {
    await control('POST', '/clock/advance', { seconds: STEP });
    // Quiet the line before the samples whose counters the test compares: the sample then sees the final bytes.
    if (k === 6 || k === 12) await control('PUT', '/traffic', { upBps: 0, downBps: 0, ppp: user.name });
    const result = await collect(at(k));
    assert.equal(result.outcome, 'recorded', result.error ?? '');
    if (k === 7) assert.equal(result.started, 1, 'the redial is a new session: its counters start from zero');
    else assert.equal(result.started, 0, `sample ${k}`);
    if (k === 6) {
      sessionOne = await counters(user.name);
      await control('POST', '/ppp/hangup', { name: user.name });
      await control('POST', '/ppp/dial', { name: user.name, password: user.password, upBps: UP_BPS, downBps: DOWN_BPS });
    }
  }
  const sessionTwo = await counters(user.name);
  assert.notEqual(sessionTwo.id, sessionOne!.id);

  const got = await recorded(user.name);
  assert.deepEqual(got.daily, { up: sessionOne!.upBytes + sessionTwo.upBytes, down: sessionOne!.downBytes + sessionTwo.downBytes }, 'nothing lost, nothing counted twice');
  // An hour of simulated time at the configured rates, plus the little real time the test took.
  const slack = (Date.now() - wallStart) / 1000 + 1;
  assert.ok(got.daily.up >= (3600 * UP_BPS) / 8 && got.daily.up <= ((3600 + slack) * UP_BPS) / 8, `upload ${got.daily.up}`);
  assert.ok(got.daily.down >= (3600 * DOWN_BPS) / 8 && got.daily.down <= ((3600 + slack) * DOWN_BPS) / 8, `download ${got.daily.down}`);

  assert.deepEqual(got.hourly.map((h) => h.hour), ['2026-11-20T09:00:00.000Z', '2026-11-20T10:00:00.000Z']);
  assert.ok(got.hourly[1]!.up >= (STEP * UP_BPS) / 8, 'the 10:02:30 sample carries the five minutes before it');
  assert.equal(got.hourly[0]!.up + got.hourly[1]!.up, got.daily.up);

  // The portal queries: per Nairobi day and per hour of that day, by subscription.
  const days = await usage.subscriptionDaily(db.sql, tenantId, subscriptionId, 7, '2026-11-20');
  assert.equal(days.length, 7);
  assert.deepEqual(days.at(-1), { bucket: '2026-11-20', uploadBytes: got.daily.up, downloadBytes: got.daily.down });
  assert.equal(days.at(-2)!.uploadBytes, 0);
  const hours = await usage.subscriptionHourly(db.sql, tenantId, subscriptionId, '2026-11-20');
  assert.equal(hours.length, 24);
  assert.equal(hours[0]!.bucket, '2026-11-19T21:00:00.000Z', 'a Nairobi day starts at 21:00 UTC');
  assert.equal(hours.find((h) => h.bucket === '2026-11-20T09:00:00.000Z')!.uploadBytes, got.hourly[0]!.up);
  const totals = await usage.routerTotals(db.sql, tenantId, routerId, '2026-11-14', '2026-11-20');
  assert.deepEqual(totals, { uploadBytes: got.daily.up, downloadBytes: got.daily.down, users: 1 });
  const [top] = await usage.topUsers(db.sql, tenantId, routerId, '2026-11-20', '2026-11-20');
  assert.equal(top?.subscriptionId, subscriptionId);
  assert.ok(top?.accountNumber);
});

test('a retried, repeated or older sample adds nothing; concurrent attempts record once', { timeout: 60_000 }, async () => {
  const start = await recorded(user.name);
  const base = await counters(user.name);
  await control('PUT', '/traffic', { upBps: UP_BPS, downBps: DOWN_BPS, ppp: user.name });
  await control('POST', '/clock/advance', { seconds: STEP });
  assert.equal((await collect(at(13))).outcome, 'recorded');
  const once = await recorded(user.name);
  // A retry of the same sample after its commit sees grown counters; it must still add nothing.
  await control('POST', '/clock/advance', { seconds: 60 });
  assert.equal((await collect(at(13))).outcome, 'duplicate');
  assert.equal((await collect(at(12))).outcome, 'duplicate');
  assert.deepEqual(await recorded(user.name), once);

  await control('POST', '/clock/advance', { seconds: STEP - 60 });
  await control('PUT', '/traffic', { upBps: 0, downBps: 0, ppp: user.name });
  const racing = await Promise.all([collect(at(14)), collect(at(14)), collect(at(14))]);
  assert.deepEqual(racing.map((r) => r.outcome).sort(), ['duplicate', 'duplicate', 'recorded']);
  const now = await counters(user.name);
  const got = await recorded(user.name);
  assert.deepEqual(got.daily, { up: start.daily.up + now.upBytes - base.upBytes, down: start.daily.down + now.downBytes - base.downBytes });
});

test('a session ending between samples keeps what was last seen; hotspot walk-ins are kept by name', { timeout: 60_000 }, async () => {
  const target: RouterTarget = { id: routerId, name: 'Kahawa Core', host: sim.host, port: sim.port, tls: false, username: 'admin', password: 'mtandao' };
  await gateway.upsertHotspotUser(target, { name: 'walkin-42', password: 'pw-42', profile: 'default' });
  await control('POST', '/hotspot/join', { mac: 'AA:BB:CC:00:00:42' });
  await control('POST', '/hotspot/login', { user: 'walkin-42', password: 'pw-42', mac: 'AA:BB:CC:00:00:42', upBps: 800_000, downBps: 1_600_000 });
  const baseline = await counters(user.name);
  const start = await recorded(user.name);
  await control('PUT', '/traffic', { upBps: UP_BPS, downBps: DOWN_BPS, ppp: user.name });

  await control('POST', '/clock/advance', { seconds: 120 });
  await control('PUT', '/traffic', { upBps: 0, downBps: 0, hotspot: 'walkin-42' });
  const seen = await collect(at(15));
  assert.equal(seen.sessions, 2);
  const afterSample = await counters(user.name);
  const walkIn = (await simSessions()).hotspot.find((h) => h.user === 'walkin-42')!;
  // Traffic the router forgets when the session ends before the next sample.
  await control('POST', '/clock/advance', { seconds: 60 });
  const atHangup = await counters(user.name);
  await control('POST', '/ppp/hangup', { name: user.name });
  await control('POST', '/hotspot/logout', { user: 'walkin-42' });
  const ended = await collect(at(16));
  assert.deepEqual({ sessions: ended.sessions, ended: ended.ended, up: ended.uploadBytes }, { sessions: 0, ended: 2, up: 0 });

  const added = (await recorded(user.name)).daily.up - start.daily.up;
  assert.ok(added >= (120 * UP_BPS) / 8 && added <= afterSample.upBytes - baseline.upBytes, `added ${added}: what the router showed at the sample`);
  assert.ok(atHangup.upBytes - baseline.upBytes - added >= (60 * UP_BPS) / 8, 'the minute after the last sample is not visible once the session is gone');
  const [hotspot] = await db.sql<{ subscriptionId: string | null; up: number; down: number; day: string }[]>`
    select subscription_id as "subscriptionId", upload_bytes as up, download_bytes as down, to_char(day, 'YYYY-MM-DD') as day
    from usage_daily where router_id = ${routerId} and service = 'hotspot' and username = 'walkin-42'`;
  assert.deepEqual(hotspot, { subscriptionId: null, up: walkIn.upBytes, down: walkIn.downBytes, day: '2026-11-20' });
  assert.equal((await db.sql`select 1 from usage_samples where router_id = ${routerId}`).length, 0, 'ended sessions leave no sample behind');
});

test('counter restarts: new session id, smaller counters or lower uptime count the new counters whole', () => {
  const prev = { sessionKey: 'pppoe:a', service: 'pppoe' as const, username: 'a', sessionId: '0x1', uptimeSeconds: 600, uploadBytes: 1000, downloadBytes: 5000 };
  assert.deepEqual(sessionDelta(prev, { ...prev, uptimeSeconds: 900, uploadBytes: 1500, downloadBytes: 9000 }), { upload: 500, download: 4000, restarted: false });
  assert.deepEqual(sessionDelta(prev, { ...prev, sessionId: '0x2', uploadBytes: 3000, downloadBytes: 9000 }), { upload: 3000, download: 9000, restarted: true });
  assert.deepEqual(sessionDelta(prev, { ...prev, uptimeSeconds: 900, uploadBytes: 200, downloadBytes: 9000 }), { upload: 200, download: 9000, restarted: true });
  // A router reboot can reuse ids; the uptime going back gives it away even when the counters are already larger.
  assert.deepEqual(sessionDelta(prev, { ...prev, uptimeSeconds: 30, uploadBytes: 2000, downloadBytes: 6000 }), { upload: 2000, download: 6000, restarted: true });
  assert.deepEqual(sessionDelta(undefined, prev), { upload: 1000, download: 5000, restarted: true });
});
