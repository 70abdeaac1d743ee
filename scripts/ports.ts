import { createServer } from 'node:net';

export interface PortClaim {
  port: number;
  what: string;
  setting: string;
}

/** Fails with one line per busy port, naming the setting that moves it, before anything is started. */
export async function assertPortsFree(claims: PortClaim[]): Promise<void> {
  const busy: string[] = [];
  for (const claim of claims) {
    if (!(await isFree(claim.port))) {
      busy.push(`port ${claim.port} (${claim.what}) is already in use: stop whatever holds it (another npm start?) or set ${claim.setting}`);
    }
  }
  if (busy.length > 0) throw new Error(busy.join('\n'));
}

export function isFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the OS says is free right now (tests and benches use these). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
