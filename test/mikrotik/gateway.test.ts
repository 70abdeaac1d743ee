import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import type { RouterTarget } from '../../activities/mikrotik/gateway';
import { RouterUnreachable } from '../../activities/mikrotik/failures';
import { kbps, normalizeRateLimit, rateLimitFor } from '../../activities/mikrotik/rate-limit';
import { createRouterOsGateway } from '../../activities/mikrotik/routeros-gateway';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';

/** The node-routeros gateway against the simulator over real TCP and API-SSL: every operation and its read-back. */
let sim: RouterOsSimulator;
const gateway = createRouterOsGateway({ callTimeoutMs: 2000, idleMs: 5000 });

before(async () => {
  sim = await startRouterOsSimulator({ version: '7.18' });
});
afterEach(async () => {
  await sim.controls.clearFaults();
  sim.controls.setCredentials({ password: 'mtandao' });
});
after(async () => {
  await gateway.close();
  await sim.stop();
});

function target(tls: boolean, overrides: Partial<RouterTarget> = {}): RouterTarget {
  return { id: `sim-${tls ? 'tls' : 'tcp'}`, name: 'Simulated', host: sim.host, port: tls ? sim.tlsPort! : sim.port, tls, username: 'admin', password: 'mtandao', ...overrides };
}

const menu = (path: string) => sim.controls.state().menus[path] ?? [];

test('rate-limit strings: upload/download, k or M, burst with threshold and time', () => {
  assert.equal(kbps(10_000), '10M');
  assert.equal(kbps(1500), '1500k');
  assert.equal(rateLimitFor({ downloadKbps: 10_000, uploadKbps: 10_000 }), '10M/10M');
  assert.equal(rateLimitFor({ downloadKbps: 10_000, uploadKbps: 5000, burstDownloadKbps: 15_000, burstUploadKbps: 8000 }), '5M/10M 8M/15M 3750k/7500k 16/16');
  assert.equal(rateLimitFor({ downloadKbps: 20_000, uploadKbps: 20_000, burstDownloadKbps: 30_000 }, { thresholdShare: 0.5, burstTimeSeconds: 8 }), '20M/20M 20M/30M 10M/10M 8/8');
  assert.throws(() => rateLimitFor({ downloadKbps: 0, uploadKbps: 1000 }), /downloadKbps/);
  assert.equal(normalizeRateLimit('10M/10M'), '10000000/10000000');
});

for (const tls of [false, true]) {
  const transport = tls ? 'tls' : 'tcp';
  describe(`${transport}`, () => {
    test('PPPoE profile: ensure creates, ensure again updates in place, read-back returns the router values', async () => {
      const name = `p10-${transport}`;
      const first = await gateway.ensurePppoeProfile(target(tls), { name, rateLimit: '5M/10M', comment: 'Home 10', onlyOne: true });
      assert.equal(first.name, name);
      assert.equal(first.rateLimit, '5M/10M');
      assert.equal(first.onlyOne, 'yes');
      const second = await gateway.ensurePppoeProfile(target(tls), { name, rateLimit: '5M/10M 8M/15M 3750k/7500k 16/16', comment: 'Home 10' });
      assert.equal(second.id, first.id);
      assert.equal(second.rateLimit, '5M/10M 8M/15M 3750k/7500k 16/16');
      assert.equal(menu('/ppp/profile').filter((p) => p.name === name).length, 1);
    });

    test('PPPoE secret: upsert twice is one entry, enable/disable, kick, remove twice', async () => {
      const profile = `p20-${transport}`;
      await gateway.ensurePppoeProfile(target(tls), { name: profile, rateLimit: '20M/20M' });
      const name = `alice-${transport}`;
      const created = await gateway.upsertPppoeSecret(target(tls), { name, password: 'pw1', profile, comment: 'acct-1' });
      assert.deepEqual({ ...created, id: '' }, { id: '', name, profile, service: 'pppoe', disabled: false, remoteAddress: null, callerId: null, comment: 'acct-1' });
      assert.ok(!('password' in created), 'the password never comes back');
      const again = await gateway.upsertPppoeSecret(target(tls), { name, password: 'pw2', profile, comment: 'acct-1', remoteAddress: '10.10.0.50' });
      assert.equal(again.id, created.id);
      assert.equal(again.remoteAddress, '10.10.0.50');
      const secrets = menu('/ppp/secret').filter((s) => s.name === name);
      assert.equal(secrets.length, 1);
      assert.equal(secrets[0]!.password, 'pw2');

      const dial = sim.controls.dialPppoe({ name, password: 'pw2' });
      assert.ok(dial.ok, JSON.stringify(dial));
      const disabled = await gateway.setPppoeSecretEnabled(target(tls), name, false);
      assert.equal(disabled?.disabled, true);
      // Disabling leaves the live session up, as on a real router; kicking ends it.
      assert.equal(menu('/ppp/active').filter((a) => a.name === name).length, 1);
      assert.deepEqual(await gateway.kickPppoeSession(target(tls), name), { kicked: 1 });
      assert.deepEqual(await gateway.kickPppoeSession(target(tls), name), { kicked: 0 });
      assert.equal(menu('/ppp/active').filter((a) => a.name === name).length, 0);
      assert.equal((await gateway.setPppoeSecretEnabled(target(tls), name, true))?.disabled, false);
      assert.equal(await gateway.setPppoeSecretEnabled(target(tls), 'nobody-here', true), null);

      assert.deepEqual(await gateway.removePppoeSecret(target(tls), name), { removed: 1 });
      assert.deepEqual(await gateway.removePppoeSecret(target(tls), name), { removed: 0 });
      assert.equal(menu('/ppp/secret').filter((s) => s.name === name).length, 0);
    });

    test('a secret naming a missing profile is RouterUnknownProfile, non-retryable', async () => {
      await assert.rejects(gateway.upsertPppoeSecret(target(tls), { name: `bob-${transport}`, password: 'x', profile: 'no-such-profile' }), (error: unknown) => {
        assert.ok(error instanceof ApplicationFailure);
        assert.equal(error.type, 'RouterUnknownProfile');
        assert.equal(error.nonRetryable, true);
        assert.match(error.message, /router "Simulated"/);
        return true;
      });
    });

    test('hotspot: profile, user with limits and MAC lock, API login, active sessions with counters, remove', async () => {
      const profile = `h24-${transport}`;
      const p = await gateway.ensureHotspotProfile(target(tls), { name: profile, rateLimit: '2M/5M', sharedUsers: 2 });
      assert.deepEqual({ ...p, id: '' }, { id: '', name: profile, rateLimit: '2M/5M', sharedUsers: 2, sessionTimeout: null });
      assert.equal((await gateway.ensureHotspotProfile(target(tls), { name: profile, rateLimit: '2M/5M', sharedUsers: 3 })).sharedUsers, 3);
      assert.equal(menu('/ip/hotspot/user/profile').filter((r) => r.name === profile).length, 1);

      const mac = tls ? 'AA:BB:CC:00:00:02' : 'aa:bb:cc:00:00:01';
      const user = `v-${transport}`;
      const created = await gateway.upsertHotspotUser(target(tls), { name: user, password: 'pin', profile, limitUptime: '1d', limitBytesTotal: 5_000_000_000, macAddress: mac });
      assert.equal(created.profile, profile);
      assert.equal(created.limitUptime, '1d');
      assert.equal(created.limitBytesTotal, 5_000_000_000);
      assert.equal(created.macAddress, mac.toUpperCase());
      const same = await gateway.upsertHotspotUser(target(tls), { name: user, password: 'pin', profile, limitUptime: '24h', limitBytesTotal: 5_000_000_000, macAddress: mac });
      assert.equal(same.id, created.id);
      assert.equal(menu('/ip/hotspot/user').filter((u) => u.name === user).length, 1);

      sim.controls.joinHotspot({ mac: mac.toUpperCase(), address: tls ? '10.5.50.22' : '10.5.50.21' });
      await assert.rejects(gateway.loginHotspotDevice(target(tls), { user, password: 'wrong', mac }), (error: ApplicationFailure) => {
        assert.equal(error.type, 'HotspotLoginRefused');
        assert.equal(error.nonRetryable, true);
        return true;
      });
      const session = await gateway.loginHotspotDevice(target(tls), { user, password: 'pin', mac });
      assert.equal(session.user, user);
      assert.equal(session.macAddress, mac.toUpperCase());

      sim.controls.advanceClock(60);
      const active = await gateway.readActiveSessions(target(tls));
      const mine = active.hotspot.find((s) => s.user === user);
      assert.ok(mine, 'the session is listed');
      assert.ok(mine.downloadBytes > mine.uploadBytes && mine.uploadBytes > 0, JSON.stringify(mine));

      assert.deepEqual(await gateway.removeHotspotUser(target(tls), user), { removed: 1, kicked: 1 });
      assert.deepEqual(await gateway.removeHotspotUser(target(tls), user), { removed: 0, kicked: 0 });
    });

    test('active PPPoE sessions carry the <pppoe-NAME> interface counters; health reads identity and resources', async () => {
      const name = `carol-${transport}`;
      await gateway.upsertPppoeSecret(target(tls), { name, password: 'pw', profile: 'default' });
      assert.ok(sim.controls.dialPppoe({ name, password: 'pw', upBps: 1_000_000, downBps: 8_000_000 }).ok);
      sim.controls.advanceClock(10);
      const { pppoe } = await gateway.readActiveSessions(target(tls));
      const s = pppoe.find((row) => row.name === name);
      assert.ok(s);
      assert.ok(s.uploadBytes! >= 1_000_000 && s.downloadBytes! >= 8 * s.uploadBytes! * 0.9, JSON.stringify(s));
      await gateway.kickPppoeSession(target(tls), name);

      const health = await gateway.readHealth(target(tls));
      assert.equal(health.identity, 'MikroTik');
      assert.match(health.version ?? '', /^7\.18/);
      assert.equal(health.boardName, 'RB4011iGS+');
      assert.ok(health.totalMemoryBytes! > health.freeMemoryBytes!);
      assert.ok(health.cpuLoadPercent! >= 0 && health.uptimeSeconds! >= 0);
    });
  });
}

test('invalid input is refused before or by the router, non-retryable', async () => {
  await assert.rejects(gateway.upsertPppoeSecret(target(false), { name: 'has space', password: 'x', profile: 'default' }), { type: 'RouterInvalidInput' });
  await assert.rejects(gateway.ensurePppoeProfile(target(false), { name: 'bad-bool', rateLimit: '1M/1M', localAddress: '10.0.0.1', onlyOne: true, comment: 'x' }).then(() =>
    gateway.upsertHotspotUser(target(false), { name: 'u1', password: 'x', profile: 'default', macAddress: 'not-a-mac' })), { type: 'RouterInvalidInput' });
  // The router's own refusal of a value (`input does not match any value of service`).
  await assert.rejects(gateway.upsertPppoeSecret(target(false), { name: 'svc', password: 'x', profile: 'default', service: 'bogus' as 'pppoe' }), (error: ApplicationFailure) => {
    assert.equal(error.type, 'RouterInvalidInput');
    assert.match(error.message, /service/);
    return true;
  });
});

test('the pool keeps at most 4 operations in flight per router and reuses its connections', async () => {
  const bounded = createRouterOsGateway({ maxPerRouter: 4 });
  try {
    const before = sim.controls.state().connections;
    await sim.controls.setFaults({ latencyMs: 30 });
    const names = Array.from({ length: 24 }, (_, i) => `pool-${i}`);
    await Promise.all(names.map((name) => bounded.upsertPppoeSecret(target(false, { id: 'pool' }), { name, password: 'p', profile: 'default' })));
    const stats = bounded.stats().pool!;
    assert.equal(stats.peakInFlight, 4);
    assert.ok(stats.open <= 4 && stats.open >= 1, JSON.stringify(stats));
    assert.ok(sim.controls.state().connections - before <= 4, `connections: ${sim.controls.state().connections - before}`);
    assert.equal(menu('/ppp/secret').filter((s) => s.name?.startsWith('pool-')).length, 24);
  } finally {
    await bounded.close();
  }
});

test('wrong password: RouterAuthFailed, non-retryable; a changed password opens a fresh pool', async () => {
  await gateway.readHealth(target(false));
  sim.controls.setCredentials({ password: 'rotated' });
  for (const tls of [false, true]) {
    await assert.rejects(gateway.readHealth(target(tls, { id: 'auth' })), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure, String(error));
      assert.equal(error.type, 'RouterAuthFailed');
      assert.equal(error.nonRetryable, true);
      return true;
    });
  }
  assert.equal((await gateway.readHealth(target(false, { id: 'auth', password: 'rotated' }))).identity, 'MikroTik');
});

describe('faults are retryable RouterUnreachable errors naming the router', () => {
  const retryable = (pattern: RegExp) => (error: unknown) => {
    assert.ok(error instanceof RouterUnreachable, `${String(error)}`);
    assert.equal(error.name, 'RouterUnreachable');
    assert.match(error.message, /router "Simulated" \(127\.0\.0\.1:\d+/);
    assert.match(error.message, pattern);
    return true;
  };

  test('latency beyond the call timeout', async () => {
    const quick = createRouterOsGateway({ callTimeoutMs: 300 });
    try {
      await quick.readHealth(target(false));
      await sim.controls.setFaults({ latencyMs: 1000 });
      const started = Date.now();
      await assert.rejects(quick.readHealth(target(false)), retryable(/did not answer \/system\/resource\/print within 300 ms/));
      assert.ok(Date.now() - started < 900);
      await sim.controls.clearFaults();
      assert.equal((await quick.readHealth(target(false))).identity, 'MikroTik', 'a fresh connection replaces the timed-out one');
    } finally {
      await quick.close();
    }
  });

  test('latency within the call timeout just takes longer', async () => {
    await sim.controls.setFaults({ latencyMs: 100 });
    assert.equal((await gateway.readHealth(target(true))).identity, 'MikroTik');
  });

  for (const tls of [false, true]) {
    test(`refused connections (${tls ? 'tls' : 'tcp'})`, async () => {
      await sim.controls.setFaults({ refuse: 'stop-listening' });
      await assert.rejects(gateway.readHealth(target(tls, { id: `refused-${tls}` })), retryable(/refused the connection/));
      await sim.controls.clearFaults();
      assert.equal((await gateway.readHealth(target(tls, { id: `refused-${tls}` }))).identity, 'MikroTik');
    });
  }

  test('connection reset at accept', async () => {
    await sim.controls.setFaults({ refuse: 'reset' });
    await assert.rejects(gateway.readHealth(target(false, { id: 'reset' })), retryable(/reset the connection|closed/));
  });

  for (const mode of ['reset', 'close'] as const) {
    test(`disconnect mid-reply (${mode}) fails at once instead of hanging`, async () => {
      await gateway.readHealth(target(false, { id: `mid-${mode}` }));
      await sim.controls.setFaults({ disconnectMidReply: mode });
      const started = Date.now();
      await assert.rejects(gateway.readActiveSessions(target(false, { id: `mid-${mode}` })), retryable(mode === 'reset' ? /reset the connection/ : /closed the API connection/));
      assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
      await sim.controls.clearFaults();
      assert.equal((await gateway.readHealth(target(false, { id: `mid-${mode}` }))).identity, 'MikroTik');
    });
  }

  test('!fatal closes the session: retryable, and the next call reconnects', async () => {
    await gateway.readHealth(target(true, { id: 'fatal' }));
    await sim.controls.setFaults({ fatal: 'API service disabled by simulator' });
    await assert.rejects(gateway.upsertPppoeSecret(target(true, { id: 'fatal' }), { name: 'f1', password: 'p', profile: 'default' }), retryable(/closed the API connection/));
    await sim.controls.clearFaults();
    assert.equal((await gateway.upsertPppoeSecret(target(true, { id: 'fatal' }), { name: 'f1', password: 'p', profile: 'default' })).name, 'f1');
  });

  test('one-byte framing splits make node-routeros time out: retryable', async () => {
    const quick = createRouterOsGateway({ callTimeoutMs: 800 });
    try {
      await sim.controls.setFaults({ splitWrites: true });
      await assert.rejects(quick.readHealth(target(false, { id: 'split' })), retryable(/did not (complete the API login|answer)/));
    } finally {
      await quick.close();
    }
  });
});

test('!empty on 7.18 is guarded: empty prints resolve to nothing, and 7.17 behaves the same', async () => {
  assert.deepEqual(await gateway.removePppoeSecret(target(false), 'never-existed'), { removed: 0 });
  assert.deepEqual(await gateway.kickPppoeSession(target(false), 'never-existed'), { kicked: 0 });
  sim.controls.setVersion('7.17');
  try {
    assert.deepEqual(await gateway.removeHotspotUser(target(false), 'never-existed'), { removed: 0, kicked: 0 });
  } finally {
    sim.controls.setVersion('7.18');
  }
});
