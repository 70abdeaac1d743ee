import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import { ApiConnection } from './connection';
import type { Faults } from './faults';
import type { SimulatedRouter } from './router';

export interface ApiServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** API-SSL port and its certificate; omitted, there is no TLS listener. */
  tls?: { port: number; key: string; cert: string };
}

/** The API (TCP) and API-SSL (TLS) listeners of one simulated router. */
export class ApiServer {
  port = 0;
  tlsPort?: number;
  private readonly connections = new Set<ApiConnection>();
  private readonly plain: Server;
  private readonly secure?: Server;
  private readonly secureContext?: SecureContext;

  constructor(
    private readonly router: SimulatedRouter,
    private readonly faults: () => Faults,
    private readonly options: ApiServerOptions,
  ) {
    this.plain = createServer((raw) => this.accept(raw, undefined));
    if (options.tls) {
      this.secureContext = createSecureContext({ key: options.tls.key, cert: options.tls.cert });
      const context = this.secureContext;
      this.secure = createServer((raw) => this.accept(raw, context));
    }
  }

  async start(): Promise<void> {
    this.port = await listen(this.plain, this.options.host, this.options.port);
    if (this.secure && this.options.tls) this.tlsPort = await listen(this.secure, this.options.host, this.options.tls.port);
  }

  /** `refuse: stop-listening` closes the listeners (connected clients stay); clearing it opens them again. */
  async applyFaults(): Promise<void> {
    const listening = this.faults().refuse !== 'stop-listening';
    for (const [server, port] of [[this.plain, this.port], [this.secure, this.tlsPort]] as const) {
      if (!server || port === undefined || server.listening === listening) continue;
      if (listening) await listen(server, this.options.host, port);
      else server.close();
    }
  }

  connectionCount(): number {
    return this.connections.size;
  }

  async stop(): Promise<void> {
    for (const connection of this.connections) connection.destroy();
    await Promise.all([this.plain, this.secure].map((server) => server?.listening && new Promise((resolve) => server.close(resolve))));
  }

  private accept(raw: Socket, secureContext: SecureContext | undefined): void {
    raw.setNoDelay(true);
    raw.on('error', () => raw.destroy());
    if (this.faults().refuse === 'reset') return void raw.resetAndDestroy();
    const socket = secureContext ? new TLSSocket(raw, { isServer: true, secureContext }) : raw;
    const connection = new ApiConnection(socket, raw, this.router, this.faults);
    this.connections.add(connection);
    socket.once('close', () => this.connections.delete(connection));
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
