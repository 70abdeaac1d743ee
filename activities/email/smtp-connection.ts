import net from 'node:net';
import tls from 'node:tls';

/** A refusal or failure of the SMTP server; `code` is its reply code when it answered. */
export class SmtpError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'SmtpError';
  }

  /** 5xx: sending the same message again fails the same way; 4xx and connection trouble may pass later. */
  get permanent(): boolean {
    return this.code !== undefined && this.code >= 500;
  }
}

export interface Reply {
  code: number;
  lines: string[];
}

/**
 * One SMTP session over a socket: writes command lines and reads whole (multi-line) replies in order.
 * STARTTLS swaps the socket underneath; replies never cross the switch because the server sends nothing
 * between its 220 and the handshake.
 */
export class SmtpConnection {
  private buffer = '';
  private partial: string[] = [];
  private readonly ready: Reply[] = [];
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;
  private socket: net.Socket;
  private readonly onData = (chunk: Buffer) => this.receive(chunk.toString('utf8'));
  private readonly onError = (err: Error) => this.fail(err instanceof SmtpError ? err : new SmtpError(`SMTP connection failed: ${err.message}`));
  private readonly onClose = () => this.fail(new SmtpError('the SMTP server closed the connection'));

  private constructor(
    socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Connected and greeted (220). */
  static async open(opts: { host: string; port: number; implicitTls: boolean; tlsOptions?: tls.ConnectionOptions; timeoutMs: number }): Promise<SmtpConnection> {
    const socket = opts.implicitTls
      ? tls.connect({ host: opts.host, port: opts.port, servername: net.isIP(opts.host) ? undefined : opts.host, ...opts.tlsOptions })
      : net.connect({ host: opts.host, port: opts.port });
    const conn = new SmtpConnection(socket, opts.timeoutMs);
    await conn.expect(await conn.read(), [220], 'greeting');
    return conn;
  }

  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket && this.socket.encrypted;
  }

  /** Sends `line` and checks the reply; `label` names the command in errors (AUTH lines carry the password). */
  async command(line: string, accept: number[], label = line.split(' ')[0]!): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.expect(await this.read(), accept, label);
  }

  /** Like `command`, but hands back any reply for the caller to judge (RCPT TO: one refusal is not the end). */
  async ask(line: string): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.read();
  }

  async upgrade(host: string, tlsOptions: tls.ConnectionOptions = {}): Promise<void> {
    const plain = this.socket;
    this.detach(plain);
    const secure = tls.connect({ socket: plain, servername: net.isIP(host) ? undefined : host, ...tlsOptions });
    this.attach(secure);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
  }

  close(): void {
    this.detach(this.socket);
    this.socket.on('error', () => undefined);
    this.socket.destroy();
  }

  private expect(reply: Reply, accept: number[], label: string): Reply {
    if (!accept.includes(reply.code)) throw new SmtpError(`SMTP ${label} refused: ${reply.code} ${reply.lines.join(' ')}`, reply.code);
    return reply;
  }

  private read(): Promise<Reply> {
    const next = this.ready.shift();
    if (next) return Promise.resolve(next);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private receive(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!m) return this.fail(new SmtpError(`not an SMTP reply: ${line.slice(0, 80)}`));
      this.partial.push(m[3]!);
      if (m[2] === '-') continue;
      const reply = { code: Number(m[1]), lines: this.partial };
      this.partial = [];
      const waiter = this.waiting.shift();
      if (waiter) waiter.resolve(reply);
      else this.ready.push(reply);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }

  private attach(socket: net.Socket): void {
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.setTimeout(this.timeoutMs, () => socket.destroy(new SmtpError(`the SMTP server did not answer within ${this.timeoutMs} ms`)));
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
    socket.setTimeout(0);
  }
}
