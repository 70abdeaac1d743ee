import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { after, afterEach, before, test } from 'node:test';
import { RosException, RouterOSAPI } from 'node-routeros';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';

/** node-routeros 1.6.9, the client the app uses, against the simulator over TCP and API-SSL (facts §3.5–3.6). */
let sim: RouterOsSimulator;
const opened: RouterOSAPI[] = [];

before(async () => {
  sim = await startRouterOsSimulator({ version: '7.18' });
});
afterEach(async () => {
  await sim.controls.clearFaults();
  sim.controls.setCredentials({ password: 'mtandao' });
  for (const api of opened.splice(0)) api.close().catch(() => undefined);
});
after(() => sim.stop());

interface Client {
  api: RouterOSAPI;
  /** Post-connect 'error' events; without a listener node-routeros would crash the process. */
  errors: RosException[];
  closed: Promise<void>;
}

function client(options: { tls?: boolean; timeout?: number; keepalive?: boolean; password?: string } = {}): Client {
  const api = new RouterOSAPI({
    host: '127.0.0.1',
    user: 'admin',
    password: options.password ?? 'mtandao',
    timeout: options.timeout ?? 5,
    keepalive: options.keepalive,
    // node-routeros dials 8728 whenever a port is given, TLS or not (facts §3.6.3): always pass it.
    ...(options.tls ? { port: sim.tlsPort, tls: { rejectUnauthorized: false } } : { port: sim.port }),
  });
  opened.push(api);
  const errors: RosException[] = [];
  api.on('error', (error: RosException) => errors.push(error));
  const closed = new Promise<void>((resolve) => api.once('close', () => resolve()));
  return { api, errors, closed };
}

async function connected(options: Parameters<typeof client>[0] = {}): Promise<Client> {
  const c = client(options);
  await c.api.connect();
  return c;
}

/** Resolves 'pending' if the promise has not settled within `ms`: node-routeros leaves some calls hanging forever. */
function settledWithin<T>(promise: Promise<T>, ms: number): Promise<'resolved' | 'rejected' | 'pending'> {
  return Promise.race([
    promise.then(
      () => 'resolved' as const,
      () => 'rejected' as const,
    ),
    new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms)),
  ]);
}

for (const transport of ['tcp', 'tls'] as const) {
  test(`${transport}: login, add, duplicate, print with a query, set, disable, remove`, async () => {
    const { api } = await connected({ tls: transport === 'tls' });
    const name = `alice-${transport}`;
    const [added] = await api.write('/ppp/secret/add', [`=name=${name}`, '=password=p', '=service=pppoe', '=comment=acct-42']);
    assert.match(String(added?.ret), /^\*[0-9A-F]+$/);
    const id = String(added?.ret);

    await assert.rejects(api.write('/ppp/secret/add', [`=name=${name}`, '=password=p']), (error: Error) => {
      // A trap is a plain Error carrying only the message (facts §3.5).
      assert.equal(error.constructor, Error);
      assert.equal(error.message, 'failure: secret with the same name already exists');
      return true;
    });

    const rows = await api.write('/ppp/secret/print', [`?name=${name}`]);
    assert.deepEqual(rows, [
      {
        '.id': id,
        name,
        service: 'pppoe',
        'caller-id': '',
        password: 'p',
        profile: 'default',
        routes: '',
        'limit-bytes-in': '0',
        'limit-bytes-out': '0',
        disabled: 'false',
        comment: 'acct-42',
      },
    ]);

    assert.deepEqual(await api.write('/ppp/secret/set', [`=.id=${id}`, '=comment=acct-43', '=remote-address=10.10.0.50']), []);
    assert.deepEqual(await api.write('/ppp/secret/disable', [`=numbers=${name}`]), []);
    assert.deepEqual(await api.write('/ppp/secret/print', [`?.id=${id}`, '=.proplist=disabled,comment,remote-address']), [
      { 'remote-address': '10.10.0.50', disabled: 'true', comment: 'acct-43' },
    ]);
    await assert.rejects(api.write('/ppp/secret/set', ['=.id=*FFFF', '=disabled=no']), { message: 'no such item' });

    assert.deepEqual(await api.write('/ppp/secret/remove', [`=.id=${id}`]), []);
    // Count-only answers on !done, so even an empty result reaches node-routeros safely on 7.18.
    assert.deepEqual(await api.write('/ppp/secret/print', [`?name=${name}`, '=count-only=']), [{ ret: '0' }]);
    await api.close();
  });
}

test('a wrong password is the router trap, which node-routeros turns into CANTLOGIN', async () => {
  sim.controls.setCredentials({ password: 'changed-on-the-router' });
  await assert.rejects(client().api.connect(), (error: RosException) => {
    assert.ok(error instanceof RosException);
    assert.equal(error.errno, 'CANTLOGIN');
    return true;
  });
  await assert.rejects(client({ tls: true }).api.connect(), { errno: 'CANTLOGIN' });
  await connected({ password: 'changed-on-the-router' });
});

test('routers before 6.43 answer the login with an MD5 challenge, which node-routeros completes', async () => {
  const old = await startRouterOsSimulator({ version: '6.40.9', tlsPort: false, controlPort: false });
  try {
    const api = new RouterOSAPI({ host: '127.0.0.1', port: old.port, user: 'admin', password: 'mtandao', timeout: 5 });
    await api.connect();
    assert.deepEqual(await api.write('/system/resource/print', ['=.proplist=version']), [{ version: '6.40.9 (stable)' }]);
    await api.close();
    const wrong = new RouterOSAPI({ host: '127.0.0.1', port: old.port, user: 'admin', password: 'nope', timeout: 5 });
    await assert.rejects(wrong.connect(), { errno: 'CANTLOGIN' });
  } finally {
    await old.stop();
  }
});

test('keepalive: node-routeros sends # and the router answers it, so an idle connection survives its timeout', async () => {
  const idle = await connected({ timeout: 1, keepalive: true });
  const unkept = await connected({ timeout: 1 });
  await new Promise((r) => setTimeout(r, 1600));
  assert.deepEqual(idle.errors, []);
  assert.deepEqual(await idle.api.write('/system/identity/print'), [{ name: 'MikroTik' }]);
  // Without keepalive the idle socket times out, as on a real router (facts §3.5).
  assert.equal(unkept.errors[0]?.errno, 'SOCKTMOUT');
});

test('streams: listen delivers changes and stop() cancels it with /cancel', async () => {
  const { api } = await connected();
  const seen: Record<string, string>[] = [];
  const stream = api.stream(['/ip/hotspot/walled-garden/listen'], (error: Error | null, packet: Record<string, string>) => {
    if (!error && packet) seen.push(packet);
  });
  await new Promise((r) => setTimeout(r, 100));
  await api.write('/ip/hotspot/walled-garden/add', ['=dst-host=portal.mtandao.test']);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(seen.find((p) => p['dst-host'])?.['dst-host'], 'portal.mtandao.test');
  await stream.stop();
  assert.deepEqual(await api.write('/system/identity/print'), [{ name: 'MikroTik' }]);
});

test('fault latencyMs delays every reply by that much', async () => {
  const { api } = await connected();
  await sim.controls.setFaults({ latencyMs: 400 });
  const started = Date.now();
  await api.write('/system/identity/print');
  assert.ok(Date.now() - started >= 380, `took ${Date.now() - started} ms`);
  await sim.controls.clearFaults();
  const again = Date.now();
  await api.write('/system/identity/print');
  assert.ok(Date.now() - again < 200);
});

test('fault refuse=stop-listening: ECONNREFUSED (numeric errno, empty message); clearing it listens again', async () => {
  const established = await connected();
  await sim.controls.setFaults({ refuse: 'stop-listening' });
  for (const tls of [false, true]) {
    await assert.rejects(client({ tls }).api.connect(), (error: RosException) => {
      assert.ok(error instanceof RosException);
      assert.equal(error.errno, -constants.errno.ECONNREFUSED);
      assert.equal(error.message, '');
      return true;
    });
  }
  // Connections made before keep working, as when a router's API service is disabled.
  assert.deepEqual(await established.api.write('/system/identity/print'), [{ name: 'MikroTik' }]);
  await sim.controls.clearFaults();
  await connected();
  await connected({ tls: true });
});

test('fault refuse=reset: the connection is accepted and reset (ECONNRESET)', async () => {
  await sim.controls.setFaults({ refuse: 'reset' });
  for (const tls of [false, true]) {
    await assert.rejects(client({ tls }).api.connect(), { errno: -constants.errno.ECONNRESET });
  }
});

test('fault disconnectMidReply=reset: half a reply, then RST: an error event, and the call never settles', async () => {
  for (const tls of [false, true]) {
    const { api, errors } = await connected({ tls });
    await api.write('/queue/simple/add', [`=name=cut-${tls}`, '=target=10.10.0.3/32']);
    await sim.controls.setFaults({ disconnectMidReply: 'reset' });
    const pending = api.write('/queue/simple/print');
    assert.equal(await settledWithin(pending, 500), 'pending');
    assert.equal(errors[0]?.errno, -constants.errno.ECONNRESET);
    await sim.controls.clearFaults();
  }
});

test('fault disconnectMidReply=close: half a reply, then FIN: only a close event, and the call never settles', async () => {
  const { api, errors, closed } = await connected();
  await sim.controls.setFaults({ disconnectMidReply: 'close' });
  const pending = api.write('/system/resource/print');
  await closed;
  assert.equal(await settledWithin(pending, 300), 'pending');
  assert.deepEqual(errors, []);
});

test('fault fatal: !fatal closes the session; node-routeros emits close and leaves the call pending (facts §3.6.5)', async () => {
  const { api, closed } = await connected({ tls: true });
  await sim.controls.setFaults({ fatal: 'API service disabled by simulator' });
  const pending = api.write('/ppp/active/print');
  await closed;
  assert.equal(await settledWithin(pending, 300), 'pending');
  await sim.controls.clearFaults();
  await connected({ tls: true });
});

test('fault splitWrites: node-routeros cannot frame one-byte segments and login hangs until SOCKTMOUT (facts §3.6.2)', async () => {
  await sim.controls.setFaults({ splitWrites: true });
  const started = Date.now();
  await assert.rejects(client({ timeout: 1 }).api.connect(), { errno: 'SOCKTMOUT' });
  assert.ok(Date.now() - started >= 900);
});
