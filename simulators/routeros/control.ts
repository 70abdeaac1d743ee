import { createServer, type IncomingMessage } from 'node:http';
import { z } from 'zod';
import { faultsSchema } from './faults';
import type { RouterOsControls } from './simulator';

const rates = { upBps: z.number().min(0).optional(), downBps: z.number().min(0).optional() };
const mac = z.string().regex(/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/, 'a MAC address like AA:BB:CC:DD:EE:FF');

type Handler = (body: unknown, controls: RouterOsControls) => unknown;

/** Each route takes a JSON body and answers JSON; a refusal comes back as 409 with its reason. */
const ROUTES: Record<string, Handler> = {
  'GET /state': (_body, c) => c.state(),
  'POST /ppp/dial': (body, c) => accepted(c.dialPppoe(z.object({ name: z.string(), password: z.string(), callerId: mac.optional(), ...rates }).strict().parse(body))),
  'POST /ppp/hangup': (body, c) => ({ ended: c.hangUpPppoe(z.object({ name: z.string() }).strict().parse(body).name) }),
  'POST /hotspot/join': (body, c) => c.joinHotspot(z.object({ mac, address: z.string().ip().optional() }).strict().parse(body)),
  'POST /hotspot/login': (body, c) =>
    accepted(c.hotspotLogin(z.object({ user: z.string(), password: z.string(), mac, address: z.string().ip().optional(), ...rates }).strict().parse(body))),
  'POST /hotspot/logout': (body, c) => ({ ended: c.logOutHotspot(z.object({ user: z.string().optional(), mac: mac.optional() }).strict().parse(body)) }),
  'PUT /traffic': (body, c) =>
    ({ changed: c.setRates(z.object({ upBps: z.number().min(0), downBps: z.number().min(0), ppp: z.string().optional(), hotspot: z.string().optional() }).strict().parse(body)) }),
  'POST /clock/advance': (body, c) => {
    c.advanceClock(z.object({ seconds: z.number().min(0) }).strict().parse(body).seconds);
    return { clock: c.state().clock };
  },
  'GET /faults': (_body, c) => c.state().faults,
  'PUT /faults': (body, c) => c.setFaults(faultsSchema.partial().parse(body)),
  'DELETE /faults': (_body, c) => c.clearFaults(),
  'PUT /credentials': (body, c) => {
    c.setCredentials(z.object({ user: z.string().optional(), password: z.string().optional() }).strict().parse(body));
    return { user: c.state().credentials.user };
  },
  'PUT /version': (body, c) => {
    c.setVersion(z.object({ version: z.string() }).strict().parse(body).version);
    return { version: c.state().version };
  },
};

class Refused extends Error {}

function accepted<T extends { ok: boolean; reason?: string }>(result: T): T {
  if (!result.ok) throw new Refused(result.reason ?? 'refused');
  return result;
}

/** The HTTP control API (loopback, JSON): inspect the router, move subscribers, switch faults. */
export async function startControlServer(controls: RouterOsControls, host: string, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify(body, null, 2)}\n`);
    };
    const route = `${request.method} ${new URL(request.url ?? '/', 'http://x').pathname}`;
    const handler = ROUTES[route];
    if (!handler) return send(404, { error: `no route ${route}`, routes: Object.keys(ROUTES) });
    readJson(request)
      .then((body) => handler(body, controls))
      .then(
        (result) => send(200, result),
        (error: unknown) => {
          if (error instanceof z.ZodError) return send(400, { error: error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
          if (error instanceof Refused) return send(409, { error: error.message });
          send(500, { error: error instanceof Error ? error.message : String(error) });
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, resolve);
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${actual}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new z.ZodError([{ code: 'custom', path: [], message: 'body is not JSON' }]);
  }
}
