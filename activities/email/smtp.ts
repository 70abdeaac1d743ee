import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type tls from 'node:tls';
import type { EmailGateway, EmailMessage, EmailSendResult } from './gateway';
import { SmtpConnection, SmtpError } from './smtp-connection';

export { SmtpError } from './smtp-connection';

/** `starttls`: upgrade a plain connection (port 587) and refuse to go on without it; `tls`: TLS from the first byte (465); `none`: a local relay. */
export type SmtpTlsMode = 'starttls' | 'tls' | 'none';

export interface SmtpConfig {
  host: string;
  port: number;
  tls: SmtpTlsMode;
  user?: string;
  password?: string;
  /** Default sender, `Demo Networks <billing@isp.example.co.ke>` or a bare address. */
  from: string;
  /** E.g. a private CA; the server name is checked against `host` unless overridden here. */
  tlsOptions?: tls.ConnectionOptions;
  /** Our name in EHLO. */
  clientName?: string;
  timeoutMs?: number;
}

const DEFAULT_PORTS: Record<SmtpTlsMode, number> = { starttls: 587, tls: 465, none: 25 };

/** SMTP settings from the environment (config/env.ts), or null when SMTP_HOST is unset: email is optional. */
export function smtpConfigFromEnv(env: { SMTP_HOST?: string; SMTP_PORT?: number; SMTP_USER?: string; SMTP_PASSWORD?: string; SMTP_FROM?: string; SMTP_TLS?: SmtpTlsMode }): SmtpConfig | null {
  if (!env.SMTP_HOST) return null;
  if (!env.SMTP_FROM) throw new Error('SMTP_FROM is required when SMTP_HOST is set (the sender address)');
  if (Boolean(env.SMTP_USER) !== Boolean(env.SMTP_PASSWORD)) throw new Error('Set both SMTP_USER and SMTP_PASSWORD, or neither');
  const mode = env.SMTP_TLS ?? 'starttls';
  return {
    host: env.SMTP_HOST,
    port: env.SMTP_PORT ?? DEFAULT_PORTS[mode],
    tls: mode,
    from: env.SMTP_FROM,
    ...(env.SMTP_USER ? { user: env.SMTP_USER, password: env.SMTP_PASSWORD } : {}),
  };
}

/**
 * A minimal SMTP client (RFC 5321) over node:net/tls: EHLO, STARTTLS, AUTH PLAIN, MAIL FROM, RCPT TO,
 * DATA with dot-stuffing, QUIT. One connection per message: email here is occasional, not bulk.
 */
export function createSmtpGateway(config: SmtpConfig): EmailGateway {
  const timeoutMs = config.timeoutMs ?? 30_000;
  return {
    async send(message: EmailMessage): Promise<EmailSendResult> {
      const recipients = (Array.isArray(message.to) ? message.to : [message.to]).map((r) => checkAddress(r, 'recipient'));
      if (recipients.length === 0) throw new SmtpError('an email needs at least one recipient');
      const from = checkAddress(message.from ?? config.from, 'sender');
      const conn = await SmtpConnection.open({ host: config.host, port: config.port, implicitTls: config.tls === 'tls', tlsOptions: config.tlsOptions, timeoutMs });
      try {
        const name = config.clientName ?? 'mtandao.localhost';
        let ext = extensions(await conn.command(`EHLO ${name}`, [250]));
        if (config.tls === 'starttls') {
          if (!ext.has('STARTTLS')) throw new SmtpError(`${config.host} does not offer STARTTLS: use SMTP_TLS=tls (port 465), or none for a relay on this host`);
          await conn.command('STARTTLS', [220]);
          await conn.upgrade(config.host, config.tlsOptions);
          ext = extensions(await conn.command(`EHLO ${name}`, [250]));
        }
        if (config.user) {
          if (!conn.secure && !isLoopback(config.host)) throw new SmtpError('refusing to send the SMTP password over an unencrypted connection');
          if (!/\bPLAIN\b/i.test(ext.get('AUTH') ?? '')) throw new SmtpError(`${config.host} does not offer AUTH PLAIN`);
          await conn.command(`AUTH PLAIN ${Buffer.from(`\0${config.user}\0${config.password ?? ''}`).toString('base64')}`, [235], 'AUTH');
        }
        const mime = encodeMessage(message, from, recipients, ext.has('8BITMIME'));
        await conn.command(`MAIL FROM:<${addressOf(from)}>${mime.eightBit ? ' BODY=8BITMIME' : ''}`, [250], 'MAIL FROM');
        const accepted: string[] = [];
        const rejected: EmailSendResult['rejected'] = [];
        for (const to of recipients) {
          const reply = await conn.ask(`RCPT TO:<${addressOf(to)}>`);
          if (reply.code === 250 || reply.code === 251) accepted.push(addressOf(to));
          else rejected.push({ address: addressOf(to), reply: `${reply.code} ${reply.lines.join(' ')}` });
        }
        if (accepted.length === 0) throw new SmtpError(`no recipient accepted: ${rejected.map((r) => `${r.address} (${r.reply})`).join(', ')}`, Number(rejected[0]!.reply.slice(0, 3)));
        await conn.command('DATA', [354]);
        const done = await conn.command(`${dotStuff(mime.text)}\r\n.`, [250], 'message');
        await conn.command('QUIT', [221]).catch(() => undefined);
        return { messageId: mime.messageId, accepted, rejected, response: `${done.code} ${done.lines.join(' ')}` };
      } finally {
        conn.close();
      }
    },
  };
}

// EHLO lines after the first name the extensions, e.g. "AUTH PLAIN LOGIN", "8BITMIME", "STARTTLS".
function extensions(reply: { lines: string[] }): Map<string, string> {
  return new Map(reply.lines.slice(1).map((l) => [l.split(' ')[0]!.toUpperCase(), l.slice(l.indexOf(' ') + 1 || l.length)]));
}

// CR or LF in an address or subject would let the text write its own headers or SMTP commands.
function checkAddress(value: string, what: string): string {
  const address = addressOf(value);
  if (/[\r\n]/.test(value) || !/^[^\s<>@]+@[^\s<>@]+$/.test(address)) throw new SmtpError(`not a valid ${what} address: ${JSON.stringify(value)}`);
  return value.trim();
}

const addressOf = (value: string) => (/<([^>]*)>/.exec(value)?.[1] ?? value).trim();
const isLoopback = (host: string) => host === 'localhost' || (net.isIP(host) !== 0 && (host.startsWith('127.') || host === '::1'));
const isAscii = (s: string) => /^[\x00-\x7f]*$/.test(s);

function encodeMessage(message: EmailMessage, from: string, to: string[], eightBitOk: boolean) {
  if (/[\r\n]/.test(message.subject) || (message.replyTo && /[\r\n]/.test(message.replyTo))) throw new SmtpError('a header may not contain a line break');
  const domain = addressOf(from).split('@')[1] ?? 'mtandao.localhost';
  const messageId = `<${randomUUID()}@${domain}>`;
  const body = message.text.replace(/\r?\n/g, '\r\n');
  const longLine = body.split('\r\n').some((l) => Buffer.byteLength(l) > 998);
  const encoding = isAscii(body) && !longLine ? '7bit' : eightBitOk && !longLine ? '8bit' : 'base64';
  const headers = [
    `From: ${from}`,
    `To: ${to.join(', ')}`,
    ...(message.replyTo ? [`Reply-To: ${message.replyTo}`] : []),
    `Subject: ${isAscii(message.subject) ? message.subject : `=?UTF-8?B?${Buffer.from(message.subject).toString('base64')}?=`}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${encoding}`,
  ];
  const content = encoding === 'base64' ? (Buffer.from(body).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n') : body;
  return { text: `${headers.join('\r\n')}\r\n\r\n${content}`, messageId, eightBit: encoding === '8bit' };
}

/** RFC 5321 §4.5.2: a line that starts with "." gets another, so no line of the text can end DATA early. */
export function dotStuff(text: string): string {
  return text
    .split('\r\n')
    .map((line) => (line.startsWith('.') ? `.${line}` : line))
    .join('\r\n');
}
