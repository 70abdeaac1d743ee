import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RouterOSAPI } from 'node-routeros';
import { freePort } from '../../scripts/ports';
import { spawnEntry, type Spawned } from '../support/processes';

/** `npm run sim:routeros` as a real process, several at once, driven through the HTTP control API. */
const running: Spawned[] = [];
after(async () => {
  for (const sim of running) {
    sim.child.kill('SIGTERM');
    assert.equal(await sim.exited, 0);
  }
});

async function launch(...args: string[]) {
  const [port, controlPort] = [await freePort(), await freePort()];
  const sim = spawnEntry('simulators/routeros/main.ts', {}, ['--port', String(port), '--control-port', String(controlPort), ...args]);
  running.push(sim);
  const line = await sim.waitForLine(/^RouterOS .* simulator/, 30_000);
  const tlsPort = Number(/api-ssl 127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
  const control = `http://127.0.0.1:${controlPort}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${control}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { line, port, tlsPort, call };
}

test('two simulators run side by side, each printing its addresses and answering on its own ports', async () => {
  const [a, b] = await Promise.all([launch('--identity', 'Kahawa', '--password', 'one'), launch('--identity', 'Rongai', '--version', '6.49.10')]);
  assert.match(a.line, new RegExp(`^RouterOS 7\\.18 simulator "Kahawa": api 127\\.0\\.0\\.1:${a.port}, api-ssl 127\\.0\\.0\\.1:\\d+, control http://127\\.0\\.0\\.1:\\d+ \\(user admin\\)$`));
  for (const [sim, password, identity, version] of [[a, 'one', 'Kahawa', '7.18 (stable)'], [b, 'mtandao', 'Rongai', '6.49.10 (stable)']] as const) {
    const api = new RouterOSAPI({ host: '127.0.0.1', port: sim.tlsPort, tls: { rejectUnauthorized: false }, user: 'admin', password, timeout: 5 });
    api.on('error', () => undefined);
    await api.connect();
    assert.deepEqual(await api.write('/system/identity/print'), [{ name: identity }]);
    assert.deepEqual(await api.write('/system/resource/print', ['=.proplist=version']), [{ version }]);
    await api.close();
  }
});

test('the control API shows the whole state, dials subscribers, switches faults and refuses bad requests', async () => {
  const sim = await launch();
  const state = await sim.call('GET', '/state');
  assert.equal(state.status, 200);
  assert.deepEqual(Object.keys(state.body.menus as object).sort(), [
    '/interface',
    '/ip/hotspot/active',
    '/ip/hotspot/host',
    '/ip/hotspot/user',
    '/ip/hotspot/user/profile',
    '/ip/hotspot/walled-garden',
    '/ppp/active',
    '/ppp/profile',
    '/ppp/secret',
    '/queue/simple',
    '/system/identity',
    '/system/resource',
  ]);

  assert.deepEqual(await sim.call('POST', '/ppp/dial', { name: 'alice', password: 'p' }), { status: 409, body: { error: 'no such secret' } });
  const api = new RouterOSAPI({ host: '127.0.0.1', port: sim.port, user: 'admin', password: 'mtandao', timeout: 5 });
  api.on('error', () => undefined);
  await api.connect();
  await api.write('/ppp/secret/add', ['=name=alice', '=password=p']);
  const dial = await sim.call('POST', '/ppp/dial', { name: 'alice', password: 'p', callerId: 'AA:BB:CC:DD:EE:01', downBps: 1_000_000 });
  assert.equal(dial.status, 200);
  assert.equal(dial.body.address, '10.10.0.2');
  assert.equal((await api.write('/ppp/active/print', ['?name=alice']))[0]?.['caller-id'], 'AA:BB:CC:DD:EE:01');
  assert.deepEqual((await sim.call('PUT', '/traffic', { ppp: 'alice', upBps: 100, downBps: 200 })).body, { changed: 1 });
  assert.equal((await sim.call('POST', '/clock/advance', { seconds: 60 })).status, 200);
  assert.deepEqual((await sim.call('POST', '/ppp/hangup', { name: 'alice' })).body, { ended: 1 });

  assert.equal((await sim.call('POST', '/hotspot/login', { user: 'x', password: 'y', mac: 'AA:BB:CC:00:00:01' })).status, 409);
  assert.equal((await sim.call('POST', '/hotspot/join', { mac: 'AA:BB:CC:00:00:02' })).body.authorized, 'false');

  assert.deepEqual((await sim.call('PUT', '/faults', { latencyMs: 250 })).body.latencyMs, 250);
  const started = Date.now();
  await api.write('/system/identity/print');
  assert.ok(Date.now() - started >= 240);
  assert.deepEqual((await sim.call('DELETE', '/faults')).body, { latencyMs: 0, refuse: 'none', disconnectMidReply: 'none', fatal: null, splitWrites: false });

  await sim.call('PUT', '/credentials', { password: 'rotated' });
  const stale = new RouterOSAPI({ host: '127.0.0.1', port: sim.port, user: 'admin', password: 'mtandao', timeout: 5 });
  await assert.rejects(stale.connect(), { errno: 'CANTLOGIN' });

  assert.deepEqual(await sim.call('PUT', '/faults', { latencyMs: 'slow' }), { status: 400, body: { error: 'latencyMs: Expected number, received string' } });
  assert.equal((await sim.call('PUT', '/faults', { refuse: 'sometimes' })).status, 400);
  assert.equal((await sim.call('POST', '/ppp/dial', { name: 'alice' })).status, 400);
  assert.equal((await sim.call('GET', '/nope')).status, 404);
  assert.deepEqual((await sim.call('PUT', '/version', { version: '6.40' })).body, { version: '6.40' });
  await api.close();
});
