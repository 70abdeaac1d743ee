import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { startRouterOsSimulator, type RouterOsSimulator } from '../../simulators/routeros/simulator';

/**
 * The hidden-client check: a client written here from the manual alone (its own framing, nothing from
 * the simulator, not node-routeros) must get exactly the words a RouterOS router sends.
 */
class RawClient {
  readonly chunks: Buffer[] = [];
  private buffer = Buffer.alloc(0);
  private words: string[] = [];
  private readonly sentences: string[][] = [];
  private waiter?: () => void;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.chunks.push(chunk);
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
      this.waiter?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.();
    });
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(...words: string[]): void {
    const parts: Buffer[] = [];
    for (const word of words) {
      const bytes = Buffer.from(word, 'latin1');
      const n = bytes.length;
      if (n < 0x80) parts.push(Buffer.from([n]));
      else if (n < 0x4000) parts.push(Buffer.from([0x80 | (n >> 8), n & 0xff]));
      else if (n < 0x200000) parts.push(Buffer.from([0xc0 | (n >> 16), (n >> 8) & 0xff, n & 0xff]));
      else parts.push(Buffer.from([0xe0 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]));
      parts.push(bytes);
    }
    parts.push(Buffer.from([0]));
    this.socket.write(Buffer.concat(parts));
  }

  /** The next `count` sentences the router sends. */
  async read(count: number, timeoutMs = 5000): Promise<string[][]> {
    const deadline = Date.now() + timeoutMs;
    while (this.sentences.length < count) {
      if (this.closed) throw new Error(`connection closed after ${JSON.stringify(this.sentences)}`);
      if (Date.now() > deadline) throw new Error(`only ${JSON.stringify(this.sentences)} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.sentences.splice(0, count);
  }

  async exchange(words: string[], replies: number): Promise<string[][]> {
    this.send(...words);
    return this.read(replies);
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('connection stayed open');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    for (;;) {
      const b = this.buffer;
      if (b.length === 0) return;
      let size: number;
      let length: number;
      if (b[0]! < 0x80) [size, length] = [1, b[0]!];
      else if (b[0]! < 0xc0) [size, length] = [2, ((b[0]! & 0x3f) << 8) | (b[1] ?? 0)];
      else if (b[0]! < 0xe0) [size, length] = [3, ((b[0]! & 0x1f) << 16) | ((b[1] ?? 0) << 8) | (b[2] ?? 0)];
      else [size, length] = [4, ((b[0]! & 0x0f) * 0x1000000) + ((b[1] ?? 0) << 16) + ((b[2] ?? 0) << 8) + (b[3] ?? 0)];
      if (b.length < size + length) return;
      const word = b.subarray(size, size + length).toString('latin1');
      this.buffer = b.subarray(size + length);
      if (length === 0) {
        this.sentences.push(this.words);
        this.words = [];
      } else {
        this.words.push(word);
      }
    }
  }
}

let sim: RouterOsSimulator;
before(async () => {
  sim = await startRouterOsSimulator({ version: '7.18', user: 'billing', password: 's3cret', tlsPort: false, controlPort: false });
});
after(() => sim.stop());

async function loggedIn(): Promise<RawClient> {
  const client = await RawClient.open(sim.port);
  assert.deepEqual(await client.exchange(['/login', '=name=billing', '=password=s3cret', '.tag=a'], 1), [['!done', '.tag=a']]);
  return client;
}

test('login: nothing works before it, a wrong password gets the real trap, the right one a bare !done', async () => {
  const client = await RawClient.open(sim.port);
  assert.deepEqual(await client.exchange(['/ppp/secret/print', '.tag=p'], 2), [
    ['!trap', '=message=not logged in', '.tag=p'],
    ['!done', '.tag=p'],
  ]);
  assert.deepEqual(await client.exchange(['/login', '=name=billing', '=password=wrong', '.tag=a'], 2), [
    ['!trap', '=message=invalid user name or password (6)', '.tag=a'],
    ['!done', '.tag=a'],
  ]);
  assert.deepEqual(await client.exchange(['/login', '=name=billing', '=password=s3cret', '.tag=b'], 1), [['!done', '.tag=b']]);
  client.close();
});

test('the identity print is byte for byte the exchange in the facts, and an untagged command gets untagged replies', async () => {
  const client = await loggedIn();
  const before = client.chunks.length;
  assert.deepEqual(await client.exchange(['/system/identity/print', '.tag=t1'], 2), [
    ['!re', '=name=MikroTik', '.tag=t1'],
    ['!done', '.tag=t1'],
  ]);
  assert.equal(
    Buffer.concat(client.chunks.slice(before)).toString('hex'),
    '03217265' + '0e3d6e616d653d4d696b726f54696b' + '072e7461673d7431' + '00' + '0521646f6e65' + '072e7461673d7431' + '00',
  );
  assert.deepEqual(await client.exchange(['/system/identity/print'], 2), [['!re', '=name=MikroTik'], ['!done']]);
  assert.deepEqual(await client.exchange(['#', '.tag=k'], 1), [['!done', '.tag=k']]);
  client.close();
});

test('secrets: add answers =ret=*ID, duplicates and missing items get the real traps, print honours queries and .proplist', async () => {
  const client = await loggedIn();
  const add = ['/ppp/secret/add', '=name=alice', '=password=p', '=service=pppoe', '=profile=default', '=comment=acct-42'];
  assert.deepEqual(await client.exchange([...add, '.tag=c'], 1), [['!done', '=ret=*1', '.tag=c']]);
  assert.deepEqual(await client.exchange([...add, '.tag=d'], 2), [
    ['!trap', '=message=failure: secret with the same name already exists', '.tag=d'],
    ['!done', '.tag=d'],
  ]);
  assert.deepEqual(await client.exchange(['/ppp/secret/add', '=name=bob', '=password=q', '.tag=e'], 1), [['!done', '=ret=*2', '.tag=e']]);

  assert.deepEqual(await client.exchange(['/ppp/secret/print', '?name=alice', '.tag=f'], 2), [
    [
      '!re',
      '=.id=*1',
      '=name=alice',
      '=service=pppoe',
      '=caller-id=',
      '=password=p',
      '=profile=default',
      '=routes=',
      '=limit-bytes-in=0',
      '=limit-bytes-out=0',
      '=disabled=false',
      '=comment=acct-42',
      '.tag=f',
    ],
    ['!done', '.tag=f'],
  ]);
  assert.deepEqual(await client.exchange(['/ppp/secret/print', '=.proplist=.id,name,service', '?=name=alice', '?name=bob', '?#|', '.tag=g'], 3), [
    ['!re', '=.id=*1', '=name=alice', '=service=pppoe', '.tag=g'],
    ['!re', '=.id=*2', '=name=bob', '=service=any', '.tag=g'],
    ['!done', '.tag=g'],
  ]);
  assert.deepEqual(await client.exchange(['/ppp/secret/print', '?-comment', '=.proplist=name', '.tag=g2'], 2), [
    ['!re', '=name=bob', '.tag=g2'],
    ['!done', '.tag=g2'],
  ]);

  assert.deepEqual(await client.exchange(['/ppp/secret/set', '=.id=*1', '=disabled=yes', '.tag=h'], 1), [['!done', '.tag=h']]);
  assert.deepEqual(await client.exchange(['/ppp/secret/set', '=numbers=bob', '=comment=acct-43', '.tag=i'], 1), [['!done', '.tag=i']]);
  assert.deepEqual(await client.exchange(['/ppp/secret/enable', '=numbers=bob', '.tag=i2'], 1), [['!done', '.tag=i2']]);
  assert.deepEqual(await client.exchange(['/ppp/secret/print', '=.proplist=name,disabled,comment', '.tag=j'], 3), [
    ['!re', '=name=alice', '=disabled=true', '=comment=acct-42', '.tag=j'],
    ['!re', '=name=bob', '=disabled=false', '=comment=acct-43', '.tag=j'],
    ['!done', '.tag=j'],
  ]);
  assert.deepEqual(await client.exchange(['/ppp/secret/set', '=.id=*99', '=disabled=no', '.tag=k'], 2), [
    ['!trap', '=message=no such item', '.tag=k'],
    ['!done', '.tag=k'],
  ]);
  assert.deepEqual(await client.exchange(['/ppp/secret/remove', '.tag=k2'], 2), [
    ['!trap', '=message=no such item', '.tag=k2'],
    ['!done', '.tag=k2'],
  ]);

  assert.deepEqual(await client.exchange(['/ppp/secret/remove', '=.id=*2', '.tag=l'], 1), [['!done', '.tag=l']]);
  assert.deepEqual(await client.exchange(['/ppp/secret/print', '?name=bob', '.tag=m'], 2), [['!empty', '.tag=m'], ['!done', '.tag=m']]);
  assert.deepEqual(await client.exchange(['/ppp/secret/print', '=count-only=', '.tag=n'], 1), [['!done', '=ret=1', '.tag=n']]);
  client.close();
});

test('argument and command errors carry the router words and categories', async () => {
  const client = await loggedIn();
  assert.deepEqual(await client.exchange(['/ip/adress/print', '.tag=a1'], 2), [
    ['!trap', '=category=0', '=message=no such command or directory (adress)', '.tag=a1'],
    ['!done', '.tag=a1'],
  ]);
  assert.deepEqual(await client.exchange(['/ppp/active/add', '=name=x', '.tag=a2'], 2), [
    ['!trap', '=category=0', '=message=no such command or directory (add)', '.tag=a2'],
    ['!done', '.tag=a2'],
  ]);
  assert.deepEqual(await client.exchange(['/ppp/secret/add', '=nmae=x', '.tag=a3'], 2), [
    ['!trap', '=message=unknown parameter nmae', '.tag=a3'],
    ['!done', '.tag=a3'],
  ]);
  assert.deepEqual(await client.exchange(['/ip/hotspot/user/add', '=name=v1', '=profile=missing', '.tag=a4'], 2), [
    ['!trap', '=category=1', '=message=input does not match any value of profile', '.tag=a4'],
    ['!done', '.tag=a4'],
  ]);
  assert.deepEqual(await client.exchange(['/ip/hotspot/user/add', '=name=v1', '=password=1234', '.tag=a5'], 1), [['!done', '=ret=*1', '.tag=a5']]);
  assert.deepEqual(await client.exchange(['/ip/hotspot/user/add', '=name=v1', '.tag=a6'], 2), [
    ['!trap', '=message=failure: already have user with this name for this server', '.tag=a6'],
    ['!done', '.tag=a6'],
  ]);
  assert.deepEqual(await client.exchange(['/queue/simple/add', '=target=10.10.0.9/32', '=max-limit=5M/10M', '.tag=a7'], 1), [['!done', '=ret=*1', '.tag=a7']]);
  assert.deepEqual(await client.exchange(['/queue/simple/add', '=name=queue1', '.tag=a8'], 2), [
    ['!trap', '=message=failure: already have such name', '.tag=a8'],
    ['!done', '.tag=a8'],
  ]);
  assert.deepEqual(await client.exchange(['/queue/simple/print', '=.proplist=name,max-limit', '.tag=a9'], 2), [
    ['!re', '=name=queue1', '=max-limit=5000000/10000000', '.tag=a9'],
    ['!done', '.tag=a9'],
  ]);
  client.close();
});

test('commands pipelined without waiting are answered in order, each under its own tag', async () => {
  const client = await loggedIn();
  client.send('/interface/print', '?type=ether', '?running=true', '=.proplist=name', '.tag=x');
  client.send('/ip/hotspot/walled-garden/add', '=dst-host=portal.mtandao.test', '.tag=y');
  client.send('/system/identity/set', '=name=Kahawa-West', '.tag=z');
  client.send('/system/identity/print', '.tag=w');
  assert.deepEqual(await client.read(5), [
    ['!re', '=name=ether1', '.tag=x'],
    ['!done', '.tag=x'],
    ['!done', '=ret=*1', '.tag=y'],
    ['!done', '.tag=z'],
    ['!re', '=name=Kahawa-West', '.tag=w'],
  ]);
  assert.deepEqual(await client.read(1), [['!done', '.tag=w']]);
  client.close();
});

test('listen reports changes until /cancel interrupts it; /quit ends the session with an untagged !fatal', async () => {
  const client = await loggedIn();
  client.send('/ip/hotspot/walled-garden/listen', '.tag=L');
  assert.deepEqual(await client.exchange(['/ip/hotspot/walled-garden/add', '=dst-host=pay.mtandao.test', '.tag=m'], 2), [
    ['!re', '=.id=*2', '=dst-host=pay.mtandao.test', '=action=allow', '=disabled=false', '=hits=0', '=dynamic=false', '.tag=L'],
    ['!done', '=ret=*2', '.tag=m'],
  ]);
  assert.deepEqual(await client.exchange(['/ip/hotspot/walled-garden/remove', '=.id=*2', '.tag=o'], 2), [
    ['!re', '=.id=*2', '=.dead=yes', '.tag=L'],
    ['!done', '.tag=o'],
  ]);
  assert.deepEqual(await client.exchange(['/cancel', '=tag=L', '.tag=n'], 3), [
    ['!trap', '=category=2', '=message=interrupted', '.tag=L'],
    ['!done', '.tag=n'],
    ['!done', '.tag=L'],
  ]);
  assert.deepEqual(await client.exchange(['/quit', '.tag=q'], 1), [['!fatal', 'session terminated on request']]);
  await client.waitClosed();
});

test('monitor-traffic answers once, or streams until cancelled', async () => {
  const client = await loggedIn();
  assert.deepEqual(await client.exchange(['/interface/monitor-traffic', '=interface=ether1', '=once=', '.tag=a'], 2), [
    ['!re', '=name=ether1', '=rx-bits-per-second=0', '=tx-bits-per-second=0', '.tag=a'],
    ['!done', '.tag=a'],
  ]);
  client.send('/interface/monitor-traffic', '=interface=ether1', '.tag=s');
  const [first] = await client.read(1);
  assert.equal(first?.[0], '!re');
  assert.deepEqual(await client.exchange(['/cancel', '.tag=c'], 3), [
    ['!trap', '=category=2', '=message=interrupted', '.tag=s'],
    ['!done', '.tag=c'],
    ['!done', '.tag=s'],
  ]);
  client.close();
});

test('with splitWrites every reply byte arrives in its own segment, and a correct decoder still reads it', async () => {
  const client = await loggedIn();
  await sim.controls.setFaults({ splitWrites: true });
  try {
    const before = client.chunks.length;
    assert.deepEqual(await client.exchange(['/system/resource/print', '=.proplist=platform,board-name', '.tag=t1'], 2), [
      ['!re', '=board-name=RB4011iGS+', '=platform=MikroTik', '.tag=t1'],
      ['!done', '.tag=t1'],
    ]);
    const chunks = client.chunks.slice(before);
    const bytes = Buffer.concat(chunks).length;
    assert.ok(chunks.length > bytes / 2, `${bytes} bytes came in ${chunks.length} chunks`);
  } finally {
    await sim.controls.clearFaults();
    client.close();
  }
});
