import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { RouterOSAPI } from 'node-routeros';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';
import { parseDuration } from '../../simulators/routeros/units';
import { waitFor } from '../support/wait';

/** Subscribers on the simulated router, seen through node-routeros the way the billing app sees them. */
let sim: RouterOsSimulator;
let api: RouterOSAPI;

before(async () => {
  sim = await startRouterOsSimulator({ version: '7.18', tlsPort: false, controlPort: false });
  api = new RouterOSAPI({ host: '127.0.0.1', port: sim.port, user: 'admin', password: 'mtandao', timeout: 5 });
  api.on('error', () => undefined);
  await api.connect();
});
after(async () => {
  await api.close();
  await sim.stop();
});

const one = async (menu: string, ...query: string[]) => {
  const rows = await api.write(`${menu}/print`, query);
  assert.equal(rows.length, 1, `${menu} ${query.join(' ')}: ${JSON.stringify(rows)}`);
  return rows[0] as Record<string, string>;
};
// Counting rather than printing: node-routeros cannot take the `!empty` of an empty print on 7.18.
const count = async (menu: string, ...query: string[]) => Number((await api.write(`${menu}/print`, [...query, '=count-only=']))[0]?.ret);

test('PPPoE: a valid secret dials in, gets an active row, an interface and a capped queue whose counters grow', async () => {
  await api.write('/ppp/profile/add', ['=name=10M', '=rate-limit=5M/10M']);
  await api.write('/ppp/secret/add', ['=name=alice', '=password=p', '=service=pppoe', '=profile=10M']);
  const dial = sim.controls.dialPppoe({ name: 'alice', password: 'p', callerId: 'AA:BB:CC:DD:EE:FF', upBps: 2_000_000, downBps: 20_000_000 });
  assert.ok(dial.ok);

  const active = await one('/ppp/active', '?name=alice');
  assert.match(active['.id'] ?? '', /^\*8[0-9A-F]{7}$/);
  assert.deepEqual(
    { name: active.name, service: active.service, callerId: active['caller-id'], address: active.address, radius: active.radius },
    { name: 'alice', service: 'pppoe', callerId: 'AA:BB:CC:DD:EE:FF', address: dial.address, radius: 'false' },
  );
  const queue = await one('/queue/simple', '?name=<pppoe-alice>');
  assert.equal(queue['max-limit'], '5000000/10000000');
  assert.equal(queue.dynamic, 'true');

  // Real time moves the counters at the configured rate…
  const first = Number((await one('/interface', '?name=<pppoe-alice>'))['rx-byte']);
  await waitFor(async () => Number((await one('/interface', '?name=<pppoe-alice>'))['rx-byte']) > first, 3000, 'rx-byte to grow');
  // …and the simulated clock moves them as far as asked; the download is held to the 10M rate-limit.
  const before = await one('/interface', '?name=<pppoe-alice>');
  sim.controls.advanceClock(3600);
  const later = await one('/interface', '?name=<pppoe-alice>');
  assert.ok(Math.abs(Number(later['rx-byte']) - Number(before['rx-byte']) - (2_000_000 / 8) * 3600) < 2_000_000 / 8);
  assert.ok(Math.abs(Number(later['tx-byte']) - Number(before['tx-byte']) - (10_000_000 / 8) * 3600) < 10_000_000 / 8);
  assert.match((await one('/ppp/active', '?name=alice')).uptime ?? '', /^1h(\d+s)?$/);
  const [up, down] = ((await one('/queue/simple', '?name=<pppoe-alice>')).bytes ?? '').split('/').map(Number);
  assert.ok(up! >= Number(later['rx-byte']) && down! >= Number(later['tx-byte']), 'the queue counts what the interface counts');
});

test('PPPoE: disabling the secret leaves the live session up; removing the active row drops it', async () => {
  await api.write('/ppp/secret/add', ['=name=bob', '=password=q']);
  assert.ok(sim.controls.dialPppoe({ name: 'bob', password: 'q', callerId: '02:00:00:00:0B:0B' }).ok);
  await api.write('/ppp/secret/disable', ['=numbers=bob']);
  const session = await one('/ppp/active', '?name=bob');
  assert.equal(await count('/ppp/active', '?name=bob'), 1);

  await api.write('/ppp/active/remove', [`=.id=${session['.id']}`]);
  assert.equal(await count('/ppp/active', '?name=bob'), 0);
  assert.equal(await count('/interface', '?name=<pppoe-bob>'), 0);
  const secret = await one('/ppp/secret', '?name=bob');
  assert.equal(secret['last-caller-id'], '02:00:00:00:0B:0B');
  assert.match(secret['last-logged-out'] ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  await assert.rejects(api.write('/ppp/active/remove', [`=.id=${session['.id']}`]), { message: 'no such item' });
});

test('PPPoE: a disabled secret, a wrong password or an unknown name cannot dial in', async () => {
  assert.deepEqual(sim.controls.dialPppoe({ name: 'bob', password: 'q' }), { ok: false, reason: 'secret is disabled' });
  assert.deepEqual(sim.controls.dialPppoe({ name: 'alice', password: 'wrong' }), { ok: false, reason: 'wrong password' });
  assert.deepEqual(sim.controls.dialPppoe({ name: 'nobody', password: '' }), { ok: false, reason: 'no such secret' });
  await api.write('/ppp/secret/enable', ['=numbers=bob']);
  assert.ok(sim.controls.dialPppoe({ name: 'bob', password: 'q' }).ok);
  assert.equal(sim.controls.hangUpPppoe('bob'), 1);
});

test('traffic rates can be changed per subscriber while connected', async () => {
  assert.equal(sim.controls.setRates({ ppp: 'alice', upBps: 0, downBps: 8_000_000 }), 1);
  const before = await one('/interface', '?name=<pppoe-alice>');
  sim.controls.advanceClock(10);
  const after = await one('/interface', '?name=<pppoe-alice>');
  assert.ok(Number(after['rx-byte']) - Number(before['rx-byte']) < 1000);
  assert.ok(Math.abs(Number(after['tx-byte']) - Number(before['tx-byte']) - 10_000_000) < 1_000_000);
  assert.deepEqual(await api.write('/interface/monitor-traffic', ['=interface=<pppoe-alice>', '=once=']), [
    { name: '<pppoe-alice>', 'rx-bits-per-second': '0', 'tx-bits-per-second': '8000000' },
  ]);
});

test('hotspot: a known device logs in over the API; wrong password, MAC lock and shared-users are refused', async () => {
  await api.write('/ip/hotspot/user/profile/add', ['=name=1h-plan', '=rate-limit=2M/4M', '=shared-users=1']);
  await api.write('/ip/hotspot/user/add', ['=name=V1', '=password=1234', '=profile=1h-plan', '=limit-uptime=1h', '=comment=mpesa-QWE123']);
  const phone = sim.controls.joinHotspot({ mac: 'aa:bb:cc:00:00:01' });
  const laptop = sim.controls.joinHotspot({ mac: 'AA:BB:CC:00:00:02' });
  assert.equal((await one('/ip/hotspot/host', '?mac-address=AA:BB:CC:00:00:01')).authorized, 'false');

  await assert.rejects(api.write('/ip/hotspot/active/login', ['=user=V1', '=password=0000', `=ip=${phone.address}`]), { message: 'invalid username or password' });
  await api.write('/ip/hotspot/active/login', ['=user=V1', '=password=1234', `=ip=${phone.address}`, '=mac-address=AA:BB:CC:00:00:01']);
  const active = await one('/ip/hotspot/active', '?user=V1');
  assert.deepEqual(
    { address: active.address, mac: active['mac-address'], server: active.server },
    { address: phone.address, mac: 'AA:BB:CC:00:00:01', server: 'hotspot1' },
  );
  assertSeconds(active['session-time-left'], 3600);
  assert.equal((await one('/ip/hotspot/host', '?mac-address=AA:BB:CC:00:00:01')).authorized, 'true');
  await assert.rejects(api.write('/ip/hotspot/active/login', ['=user=V1', '=password=1234', `=ip=${laptop.address}`]), { message: 'no more sessions are allowed for user' });

  await api.write('/ip/hotspot/user/add', ['=name=locked', '=password=x', '=mac-address=AA:BB:CC:00:00:09']);
  await assert.rejects(api.write('/ip/hotspot/active/login', ['=user=locked', '=password=x', `=ip=${laptop.address}`]), {
    message: 'invalid username (locked): this MAC address is not yours',
  });
});

test('hotspot: counters add up on the user, limit-uptime ends the session and refuses the next login', async () => {
  sim.controls.advanceClock(1800);
  const user = await one('/ip/hotspot/user', '?name=V1');
  assertSeconds(user.uptime, 1800);
  assert.ok(Number(user['bytes-out']) > 0);
  assertSeconds((await one('/ip/hotspot/active', '?user=V1'))['session-time-left'], 1800);

  sim.controls.advanceClock(1900);
  assert.equal(await count('/ip/hotspot/active', '?user=V1'), 0);
  assert.equal((await one('/ip/hotspot/user', '?name=V1')).uptime, '1h');
  assert.equal((await one('/ip/hotspot/host', '?mac-address=AA:BB:CC:00:00:01')).authorized, 'false');
  assert.deepEqual(sim.controls.hotspotLogin({ user: 'V1', password: '1234', mac: 'AA:BB:CC:00:00:01' }), { ok: false, reason: 'user V1 has reached uptime limit' });
});

test('hotspot: removing the active row kicks the user', async () => {
  await api.write('/ip/hotspot/user/add', ['=name=V2', '=password=5678']);
  const login = sim.controls.hotspotLogin({ user: 'V2', password: '5678', mac: 'AA:BB:CC:00:00:03' });
  assert.ok(login.ok);
  const active = await one('/ip/hotspot/active', '?user=V2');
  assert.equal(active['login-by'], 'http-chap');
  await api.write('/ip/hotspot/active/remove', [`=.id=${active['.id']}`]);
  assert.equal(await count('/ip/hotspot/active', '?user=V2'), 0);
  assert.equal(sim.controls.state().sessions.hotspot.length, 0);
});

/** Real time keeps running between prints, so durations are compared to within a few seconds. */
function assertSeconds(duration: string | undefined, expected: number): void {
  const seconds = parseDuration(duration ?? '');
  assert.ok(seconds !== undefined && Math.abs(seconds - expected) <= 3, `${duration} is not about ${expected} s`);
}
