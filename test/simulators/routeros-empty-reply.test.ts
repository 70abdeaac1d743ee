import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { Channel, RouterOSAPI } from 'node-routeros';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';

/**
 * RouterOS 7.18+ answers a print that finds nothing with `!empty` before `!done`; node-routeros 1.6.9
 * throws UNKNOWNREPLY from its socket handler on it, which kills the process (facts §3.6.1). The app
 * must install the guard at the bottom of this file before its first print; the simulator keeps
 * sending `!empty` so that an unguarded client fails here and not on a customer's router.
 */
let modern: RouterOsSimulator;
let older: RouterOsSimulator;

before(async () => {
  modern = await startRouterOsSimulator({ version: '7.18', tlsPort: false, controlPort: false });
  older = await startRouterOsSimulator({ version: '7.17', tlsPort: false, controlPort: false });
});
after(async () => {
  await modern.stop();
  await older.stop();
});

/** An unguarded node-routeros doing one empty print, in a process of its own since it may die. */
function emptyPrintInChild(port: number) {
  const script = `
    const { RouterOSAPI } = require('node-routeros');
    const api = new RouterOSAPI({ host: '127.0.0.1', port: ${port}, user: 'admin', password: 'mtandao', timeout: 5 });
    api.on('error', () => {});
    api.connect()
      .then(() => api.write('/ip/hotspot/user/print', ['?name=nobody']))
      .then((rows) => { console.log('resolved ' + JSON.stringify(rows)); process.exit(0); });
  `;
  // Not spawnSync: the simulator answering it lives in this process's event loop.
  const child = spawn(process.execPath, ['-e', script], { timeout: 20_000 });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.once('close', (status) => resolve({ status, ...output })));
}

test('on 7.18 the unguarded node-routeros crashes with UNKNOWNREPLY on an empty print', async () => {
  const run = await emptyPrintInChild(modern.port);
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /Tried to process unknown reply: !empty/);
  assert.match(run.stderr, /UNKNOWNREPLY/);
});

test('before 7.18 the same print is a bare !done and resolves to []', async () => {
  const run = await emptyPrintInChild(older.port);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), 'resolved []');
});

test('guarded as the app must do it, an empty print on 7.18 resolves to [] and the connection carries on', async () => {
  guardEmptyReplies();
  const api = new RouterOSAPI({ host: '127.0.0.1', port: modern.port, user: 'admin', password: 'mtandao', timeout: 5 });
  api.on('error', () => undefined);
  await api.connect();
  assert.deepEqual(await api.write('/ip/hotspot/user/print', ['?name=nobody']), []);
  assert.deepEqual(await api.write('/ppp/active/print'), []);
  assert.deepEqual(await api.write('/system/identity/print'), [{ name: 'MikroTik' }]);
  await api.close();
});

/** The verified fix (facts §3.6.1): skip the `!empty` packet; the `!done` after it resolves the call. */
function guardEmptyReplies(): void {
  const channel = Channel.prototype as unknown as { processPacket(this: Channel, packet: string[]): void };
  const processPacket = channel.processPacket;
  channel.processPacket = function (packet) {
    if (packet[0] === '!empty') return;
    processPacket.call(this, packet);
  };
}
