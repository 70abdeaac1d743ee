import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, test } from 'node:test';
import { envSchema, parseConfig } from '../../config/env';
import { createSmtpGateway, dotStuff, SmtpError, smtpConfigFromEnv } from '../../activities/email/smtp';
import { selfSignedCertificate } from '../../simulators/routeros/cert';

interface Received {
  from: string;
  to: string[];
  data: string;
  auth?: string;
  tls: boolean;
}

/** A tiny SMTP server on loopback: real sockets, the replies a mail server gives, STARTTLS when given a certificate. */
function loopbackSmtp(opts: { cert?: { key: string; cert: string }; user?: string; password?: string }) {
  const received: Received[] = [];
  const transcript: string[] = [];
  const server = net.createServer((raw) => {
    let socket: net.Socket = raw;
    let buffer = '';
    let inData = false;
    let current: Received = { from: '', to: [], data: '', tls: false };
    let authed = false;
    const say = (line: string) => socket.write(`${line}\r\n`);
    const onLine = (line: string) => {
      if (inData) {
        if (line === '.') {
          inData = false;
          received.push(current);
          current = { from: '', to: [], data: '', tls: current.tls };
          return say('250 2.0.0 Ok: queued as Q1');
        }
        current.data += `${line.startsWith('..') ? line.slice(1) : line}\r\n`;
        return;
      }
      transcript.push(line);
      const verb = line.split(' ')[0]!.toUpperCase();
      if (verb === 'EHLO') {
        const ext = ['8BITMIME', ...(opts.cert && !current.tls ? ['STARTTLS'] : []), ...(opts.user ? ['AUTH PLAIN LOGIN'] : [])];
        const lines = ['loopback.test', ...ext];
        return say(lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}`).join('\r\n'));
      }
      if (verb === 'STARTTLS' && opts.cert) {
        say('220 2.0.0 Ready to start TLS');
        socket.removeAllListeners('data');
        const secure = new tls.TLSSocket(socket, { isServer: true, key: opts.cert.key, cert: opts.cert.cert });
        socket = secure;
        current.tls = true;
        secure.on('data', onData);
        return;
      }
      if (verb === 'AUTH') {
        const [, user, password] = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString().split('\0');
        authed = user === opts.user && password === opts.password;
        current.auth = user;
        return say(authed ? '235 2.7.0 Authentication successful' : '535 5.7.8 Authentication credentials invalid');
      }
      if (verb === 'MAIL') {
        if (opts.user && !authed) return say('530 5.7.0 Authentication required');
        current.from = /<([^>]*)>/.exec(line)![1]!;
        return say('250 2.1.0 Ok');
      }
      if (verb === 'RCPT') {
        const to = /<([^>]*)>/.exec(line)![1]!;
        if (to.startsWith('nobody@')) return say('550 5.1.1 No such user');
        current.to.push(to);
        return say('250 2.1.5 Ok');
      }
      if (verb === 'DATA') {
        inData = true;
        return say('354 End data with <CR><LF>.<CR><LF>');
      }
      if (verb === 'QUIT') {
        say('221 2.0.0 Bye');
        return socket.end();
      }
      say('502 5.5.2 Command not recognised');
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        onLine(line);
      }
    };
    raw.on('data', onData);
    raw.on('error', () => undefined);
    say('220 loopback.test ESMTP');
  });
  return {
    received,
    transcript,
    async listen(): Promise<number> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as net.AddressInfo).port;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const cert = selfSignedCertificate('localhost');
const servers: { close(): Promise<void> }[] = [];
let plainPort: number;
let plain: ReturnType<typeof loopbackSmtp>;

before(async () => {
  plain = loopbackSmtp({ user: 'billing@demo.test', password: 's3cret' });
  plainPort = await plain.listen();
  servers.push(plain);
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

test('sends a message over a real socket: AUTH PLAIN, every recipient, dot-stuffed body, UTF-8 subject', async () => {
  const gateway = createSmtpGateway({ host: '127.0.0.1', port: plainPort, tls: 'none', user: 'billing@demo.test', password: 's3cret', from: 'Demo Networks <billing@demo.test>' });
  const text = 'Habari Wanjiku,\n.\n.hidden line\nAsante — Demo Networks';
  const result = await gateway.send({ to: ['wanjiku@example.co.ke', 'nobody@example.co.ke'], subject: 'Risiti yako — Desemba', text });
  assert.deepEqual(result.accepted, ['wanjiku@example.co.ke']);
  assert.deepEqual(result.rejected, [{ address: 'nobody@example.co.ke', reply: '550 5.1.1 No such user' }]);
  assert.match(result.response, /^250 .*queued/);
  assert.match(result.messageId, /^<[0-9a-f-]{36}@demo\.test>$/);

  const [mail] = plain.received;
  assert.equal(mail?.from, 'billing@demo.test');
  assert.equal(mail?.auth, 'billing@demo.test');
  assert.deepEqual(mail?.to, ['wanjiku@example.co.ke']);
  const [head, body] = mail!.data.split('\r\n\r\n') as [string, string];
  assert.match(head, /^From: Demo Networks <billing@demo\.test>$/m);
  assert.match(head, /^Subject: =\?UTF-8\?B\?.+\?=$/m);
  assert.equal(Buffer.from(/=\?UTF-8\?B\?(.+)\?=/.exec(head)![1]!, 'base64').toString(), 'Risiti yako — Desemba');
  assert.match(head, /^Content-Transfer-Encoding: 8bit$/m);
  assert.match(head, new RegExp(`^Message-ID: ${result.messageId}$`, 'm'));
  // What the server un-stuffed is exactly what was written: a lone "." did not end DATA early.
  assert.equal(body, `${text.replace(/\n/g, '\r\n')}\r\n`);
  assert.ok(plain.transcript.some((l) => l === 'MAIL FROM:<billing@demo.test> BODY=8BITMIME'));
  assert.ok(plain.transcript.includes('QUIT'));
  assert.equal(dotStuff('.a\r\nb\r\n..c'), '..a\r\nb\r\n...c');
});

test('STARTTLS upgrades before AUTH; a server without it is refused rather than sent the password in clear', async () => {
  const secure = loopbackSmtp({ cert, user: 'u@demo.test', password: 'pw' });
  const port = await secure.listen();
  servers.push(secure);
  const gateway = createSmtpGateway({ host: 'localhost', port, tls: 'starttls', user: 'u@demo.test', password: 'pw', from: 'u@demo.test', tlsOptions: { ca: cert.cert } });
  const result = await gateway.send({ to: 'a@example.co.ke', subject: 'Invoice', text: 'Plain ASCII.' });
  assert.deepEqual(result.accepted, ['a@example.co.ke']);
  assert.equal(secure.received[0]?.tls, true, 'the message went over TLS');
  assert.ok(secure.transcript.indexOf('STARTTLS') < secure.transcript.findIndex((l) => l.startsWith('AUTH')), 'TLS before AUTH');

  const noTls = createSmtpGateway({ host: '127.0.0.1', port: plainPort, tls: 'starttls', from: 'x@demo.test' });
  await assert.rejects(noTls.send({ to: 'a@example.co.ke', subject: 's', text: 't' }), /does not offer STARTTLS/);
  const untrusted = createSmtpGateway({ host: 'localhost', port, tls: 'starttls', from: 'x@demo.test' });
  await assert.rejects(untrusted.send({ to: 'a@example.co.ke', subject: 's', text: 't' }), /certificate/i, 'an unknown certificate is not trusted');
});

test('refusals are SmtpErrors with the code; header injection is refused before connecting', async () => {
  const wrong = createSmtpGateway({ host: '127.0.0.1', port: plainPort, tls: 'none', user: 'billing@demo.test', password: 'nope', from: 'billing@demo.test' });
  const err = await wrong.send({ to: 'a@example.co.ke', subject: 's', text: 't' }).catch((e: unknown) => e);
  assert.ok(err instanceof SmtpError);
  assert.equal(err.code, 535);
  assert.equal(err.permanent, true);
  assert.doesNotMatch(err.message, /nope|AUTH PLAIN \S/, 'the password is not in the error');
  const gateway = createSmtpGateway({ host: '127.0.0.1', port: plainPort, tls: 'none', user: 'billing@demo.test', password: 's3cret', from: 'billing@demo.test' });
  await assert.rejects(gateway.send({ to: 'a@example.co.ke', subject: 'Hi\r\nBcc: all@example.co.ke', text: 't' }), /line break/);
  await assert.rejects(gateway.send({ to: 'a@example.co.ke>\r\nRCPT TO:<b@example.co.ke', subject: 's', text: 't' }), /not a valid recipient/);
  const closed = createSmtpGateway({ host: '127.0.0.1', port: 1, tls: 'none', from: 'x@demo.test', timeoutMs: 2_000 });
  await assert.rejects(closed.send({ to: 'a@example.co.ke', subject: 's', text: 't' }), SmtpError);
});

test('SMTP settings come from the environment; the password never appears in a configuration error', () => {
  assert.equal(smtpConfigFromEnv(parseConfig(envSchema, {})), null, 'no SMTP_HOST: no email');
  const env = parseConfig(envSchema, { SMTP_HOST: 'smtp.example.co.ke', SMTP_USER: 'billing@isp.co.ke', SMTP_PASSWORD: 'pw', SMTP_FROM: 'ISP <billing@isp.co.ke>' });
  assert.deepEqual(smtpConfigFromEnv(env), { host: 'smtp.example.co.ke', port: 587, tls: 'starttls', from: 'ISP <billing@isp.co.ke>', user: 'billing@isp.co.ke', password: 'pw' });
  assert.equal(smtpConfigFromEnv(parseConfig(envSchema, { SMTP_HOST: 'mx.local', SMTP_TLS: 'tls', SMTP_FROM: 'a@b.co' }))?.port, 465);
  assert.throws(() => smtpConfigFromEnv(parseConfig(envSchema, { SMTP_HOST: 'mx.local', SMTP_USER: 'u', SMTP_FROM: 'a@b.co' })), /both SMTP_USER and SMTP_PASSWORD/);
  assert.throws(
    () => parseConfig(envSchema, { SMTP_TLS: 'ssl', SMTP_PASSWORD: '', SMTP_FROM: 'not an address', SESSION_SECRET: 'short-secret-value' }),
    (e: Error) => /SMTP_TLS: .*\(got "ssl"\)/.test(e.message) && /SMTP_FROM/.test(e.message) && !e.message.includes('short-secret-value'),
  );
});
