import { createHash } from 'node:crypto';
import { RosException, RouterOSAPI } from 'node-routeros';
import { classifyRouterError, describeRouter, RouterUnreachable, type RouterLabel } from './failures';
import { installEmptyReplyGuard } from './guard';

/** Where and as whom to reach one router's API. The password is clear text, held only in memory. */
export interface RouterTarget extends RouterLabel {
  id: string;
  username: string;
  password: string;
}

export interface PoolOptions {
  /** Operations in flight per router, each on a connection of its own (default 4). */
  maxPerRouter?: number;
  /** Milliseconds one API call (or the connect and login) may take (default 10 s). */
  callTimeoutMs?: number;
  /** An unused connection is closed after this many milliseconds (default 60 s). */
  idleMs?: number;
  /** A caller waiting for a free connection gives up after this many milliseconds (default 30 s). */
  queueTimeoutMs?: number;
}

/** One API session, used by one operation at a time. Every call has its own deadline. */
export interface RouterSession {
  write(command: string, params?: string[]): Promise<Record<string, string>[]>;
}

interface Conn {
  api: RouterOSAPI;
  /** Rejects once the socket errors or closes: a call in flight then fails at once instead of hanging. */
  lost: Promise<never>;
  broken: boolean;
  idleTimer?: NodeJS.Timeout;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** The connections to one router (one credential set), at most `max` of them. */
class RouterPool {
  private readonly idle: Conn[] = [];
  private readonly waiters: Waiter[] = [];
  private open = 0;
  private inFlight = 0;
  peakInFlight = 0;

  constructor(
    private readonly target: RouterTarget,
    private readonly options: Required<PoolOptions>,
  ) {}

  get size(): number {
    return this.open;
  }

  async run<T>(during: string, operation: (session: RouterSession) => Promise<T>): Promise<T> {
    await this.slot(during);
    let conn: Conn | undefined;
    try {
      conn = this.idle.pop();
      if (conn) clearTimeout(conn.idleTimer);
      else conn = await this.connect();
      const c = conn;
      return await operation({ write: (command, params = []) => this.call(c, command, params, during) });
    } catch (error) {
      // A trap leaves the session usable; a timeout, socket error or failed login does not.
      if (conn && (error instanceof RouterUnreachable || error instanceof RosException)) this.discard(conn);
      throw classifyRouterError(error, this.target, during);
    } finally {
      if (conn && !conn.broken) this.release(conn);
      this.inFlight--;
      this.wakeNext();
    }
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new RouterUnreachable(`${describeRouter(this.target)}: the connection pool closed`));
    }
    await Promise.all(this.idle.splice(0).map((conn) => this.shut(conn)));
  }

  /** Resolves once this caller holds one of the `maxPerRouter` slots (counted in `inFlight`). */
  private slot(during: string): Promise<void> {
    if (this.inFlight < this.options.maxPerRouter && this.waiters.length === 0) {
      this.claim();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new RouterUnreachable(`${describeRouter(this.target)} is busy: no free API connection within ${this.options.queueTimeoutMs} ms while ${during}`));
        }, this.options.queueTimeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  private claim(): void {
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
  }

  private wakeNext(): void {
    if (this.inFlight >= this.options.maxPerRouter) return;
    const next = this.waiters.shift();
    if (!next) return;
    clearTimeout(next.timer);
    // The slot is claimed here, so a caller arriving before the waiter runs cannot overtake it.
    this.claim();
    next.resolve();
  }

  private async connect(): Promise<Conn> {
    installEmptyReplyGuard();
    const t = this.target;
    const api = new RouterOSAPI({
      host: t.host,
      user: t.username,
      password: t.password,
      // node-routeros dials 8728 when no port is given, TLS or not (facts §3.6.3): always pass it.
      port: t.port,
      ...(t.tls ? { tls: { rejectUnauthorized: false } } : {}),
      // Seconds; with keepalive the idle socket sends `#` every timeout/2 instead of dying (facts §3.5).
      timeout: Math.max(1, Math.ceil(this.options.callTimeoutMs / 1000)),
      keepalive: true,
    });
    let markLost: (error: Error) => void = () => undefined;
    const lost = new Promise<never>((_, reject) => (markLost = reject));
    lost.catch(() => undefined);
    const conn: Conn = { api, lost, broken: false };
    // Without an 'error' listener node-routeros crashes the process on any socket error (facts §3.5).
    api.on('error', (error: Error) => {
      markLost(classifyRouterError(error, t, 'talking to it'));
      this.discard(conn);
    });
    api.on('close', () => {
      markLost(new RouterUnreachable(`${describeRouter(t)} closed the API connection`));
      this.discard(conn);
    });
    this.open++;
    try {
      await withTimeout(Promise.race([api.connect(), lost]), this.options.callTimeoutMs, () => new RouterUnreachable(`${describeRouter(t)} did not complete the API login within ${this.options.callTimeoutMs} ms`));
    } catch (error) {
      this.discard(conn);
      throw error;
    }
    // node-routeros writes each word with its own socket.write(); with Nagle on, every command after
    // the first waits for the router's delayed ACK (~40 ms). Sentences are small: send them at once.
    (api as unknown as { connector?: { socket?: { setNoDelay?(on: boolean): void } } }).connector?.socket?.setNoDelay?.(true);
    return conn;
  }

  private async call(conn: Conn, command: string, params: string[], during: string): Promise<Record<string, string>[]> {
    if (conn.broken) throw new RouterUnreachable(`${describeRouter(this.target)} lost the API connection while ${during}`);
    const reply = conn.api.write(command, params) as Promise<Record<string, string>[]>;
    reply.catch(() => undefined);
    // `!fatal` and a dropped connection leave node-routeros's promise pending forever (facts §3.6.5).
    return withTimeout(Promise.race([reply, conn.lost]), this.options.callTimeoutMs, () => new RouterUnreachable(`${describeRouter(this.target)} did not answer ${command} within ${this.options.callTimeoutMs} ms`));
  }

  private release(conn: Conn): void {
    conn.idleTimer = setTimeout(() => {
      const index = this.idle.indexOf(conn);
      if (index >= 0) this.idle.splice(index, 1);
      void this.shut(conn);
    }, this.options.idleMs);
    conn.idleTimer.unref();
    this.idle.push(conn);
  }

  private discard(conn: Conn): void {
    if (conn.broken) return;
    const index = this.idle.indexOf(conn);
    if (index >= 0) this.idle.splice(index, 1);
    void this.shut(conn);
  }

  private async shut(conn: Conn): Promise<void> {
    if (conn.broken) return;
    conn.broken = true;
    this.open--;
    clearTimeout(conn.idleTimer);
    const api = conn.api as unknown as { connector?: { socket?: { destroy(): void } }; connected: boolean };
    if (api.connected) {
      // A polite /quit when the socket is healthy, and never wait long for it.
      await withTimeout(conn.api.close().then(() => undefined), 1000, () => new Error('close timed out')).catch(() => undefined);
    }
    api.connector?.socket?.destroy();
  }
}

/** Connections pooled per router id and credential set, so a changed password opens fresh ones. */
export class ConnectionPool {
  private readonly pools = new Map<string, RouterPool>();
  private readonly options: Required<PoolOptions>;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.options = { maxPerRouter: 4, callTimeoutMs: 10_000, idleMs: 60_000, queueTimeoutMs: 30_000, ...options };
  }

  run<T>(target: RouterTarget, during: string, operation: (session: RouterSession) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new RouterUnreachable(`${describeRouter(target)}: the router gateway is closed`));
    const key = poolKey(target);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new RouterPool(target, this.options);
      this.pools.set(key, pool);
    }
    return pool.run(during, operation);
  }

  /** Open connections and the most operations ever in flight at once, per router id. */
  stats(): Record<string, { open: number; peakInFlight: number }> {
    const out: Record<string, { open: number; peakInFlight: number }> = {};
    for (const [key, pool] of this.pools) {
      const id = key.split('|')[0]!;
      const prev = out[id] ?? { open: 0, peakInFlight: 0 };
      out[id] = { open: prev.open + pool.size, peakInFlight: Math.max(prev.peakInFlight, pool.peakInFlight) };
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }
}

function poolKey(t: RouterTarget): string {
  const secret = createHash('sha256').update(`${t.username}\0${t.password}`).digest('hex').slice(0, 16);
  return `${t.id}|${t.host}|${t.port}|${t.tls ? 'tls' : 'tcp'}|${secret}`;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
