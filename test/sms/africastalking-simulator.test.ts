import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { SIM_API_KEY, SIM_USERNAME } from '../../simulators/africastalking/defaults';
import { startAfricasTalkingSimulator, type AfricasTalkingSimulator } from '../../simulators/africastalking/server';
import { waitFor } from '../support/wait';

let sim: AfricasTalkingSimulator;
let receiver: Server;
const received: Record<string, string>[] = [];

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      assert.match(String(req.headers['content-type']), /application\/x-www-form-urlencoded/);
      received.push(Object.fromEntries(new URLSearchParams(body)));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  sim = await startAfricasTalkingSimulator({ dlrUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/dlr`, dlrDelayMs: 20 });
});
after(async () => {
  await sim?.stop();
  await new Promise((r) => receiver.close(r));
});

const send = (fields: Record<string, string>, apiKey = SIM_API_KEY) =>
  fetch(`${sim.url}/version1/messaging`, {
    method: 'POST',
    headers: { ApiKey: apiKey, accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
    body: new URLSearchParams({ username: SIM_USERNAME, ...fields }),
  });

test('the wire: 201 with SMSMessageData, 401 without the key, 400 for a missing field', async () => {
  const ok = await send({ to: '+254711000111,+254711000406', message: 'Habari', from: 'MTANDAO', bulkSMSMode: '1' });
  assert.equal(ok.status, 201);
  const body = (await ok.json()) as { SMSMessageData: { Message: string; Recipients: { number: string; statusCode: number; status: string; cost: string; messageId: string }[] } };
  assert.equal(body.SMSMessageData.Message, 'Sent to 1/2 Total Cost: KES 0.8000');
  assert.deepEqual(body.SMSMessageData.Recipients[1], { statusCode: 406, number: '+254711000406', status: 'UserInBlacklist', cost: '0', messageId: 'None' });
  assert.equal((await send({ to: '+254711000111', message: 'x' }, 'wrong')).status, 401);
  const missing = await send({ message: 'x' });
  assert.equal(missing.status, 400);
  assert.match(await missing.text(), /'to'/);
  const balance = await fetch(`${sim.url}/version1/user?username=${SIM_USERNAME}`, { headers: { apikey: SIM_API_KEY } });
  assert.match(((await balance.json()) as { UserData: { balance: string } }).UserData.balance, /^KES 999\.20$/);
});

test('delivery reports are form-encoded Success or Failed with a reason, duplicated on request, and the inbox shows each phone', async () => {
  received.length = 0;
  sim.configure({ duplicateDlr: true });
  await send({ to: '+254722000001,+254722000499', message: 'Karibu <b>' });
  const byNumber = (n: string) => received.filter((r) => r.phoneNumber === n);
  // Counted per number: a late report from an earlier test must not be mistaken for one of these.
  await waitFor(() => byNumber('+254722000001').length === 2 && byNumber('+254722000499').length === 2, 30_000, 'four reports');
  assert.equal(byNumber('+254722000001').length, 2);
  assert.equal(byNumber('+254722000001')[0]!.status, 'Success');
  assert.deepEqual({ status: byNumber('+254722000499')[0]!.status, failureReason: byNumber('+254722000499')[0]!.failureReason }, { status: 'Failed', failureReason: 'DeliveryFailure' });
  assert.match(byNumber('+254722000001')[0]!.id!, /^ATXid_[0-9a-f]{32}$/);

  const inbox = await (await fetch(`${sim.url}/_sim/inbox`)).text();
  assert.match(inbox, /data-number="\+254722000499"/);
  assert.match(inbox, /Karibu &#60;b&#62;/, 'escaped');
  assert.ok(inbox.indexOf('+254722000499') < inbox.indexOf('+254711000111'), 'most recent phone first');
  sim.configure({ duplicateDlr: false });
});

test('control API: messages by number, scenario override, bad settings refused', async () => {
  const put = await fetch(`${sim.url}/_sim/scenarios/+254733000777`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statusCode: 405 }) });
  assert.equal(put.status, 200);
  const res = await send({ to: '+254733000777', message: 'x' });
  assert.equal(((await res.json()) as { SMSMessageData: { Recipients: { status: string }[] } }).SMSMessageData.Recipients[0]!.status, 'InsufficientBalance');
  const list = (await (await fetch(`${sim.url}/_sim/messages?number=%2B254733000777`)).json()) as { messages: unknown[] };
  assert.equal(list.messages.length, 1);
  const bad = await fetch(`${sim.url}/_sim/settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dlrDelayMs: -1 }) });
  assert.equal(bad.status, 400);
  const badScenario = await fetch(`${sim.url}/_sim/scenarios/+254733000778`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statusCode: 999 }) });
  assert.equal(badScenario.status, 400);
});

test('npm run sim:africastalking starts on the given port and prints its URLs', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulators/africastalking/main.ts', '--port', '0', '--dlr-url', 'http://127.0.0.1:9/dlr'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  try {
    await waitFor(() => /simulator on http:\/\/127\.0\.0\.1:\d+/.test(out), 15_000, 'startup line');
    const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    assert.equal((await fetch(`${url}/_sim/settings`).then((r) => r.json()) as { dlrUrl: string }).dlrUrl, 'http://127.0.0.1:9/dlr');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});
