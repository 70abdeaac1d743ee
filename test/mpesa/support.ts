import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApplicationFailure, ensureApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createDarajaClient, type DarajaConfig } from '../../activities/mpesa/daraja-client';
import { SANDBOX_PASSKEY, SANDBOX_SHORTCODE, SIM_CONSUMER_KEY, SIM_CONSUMER_SECRET } from '../../simulators/daraja/defaults';
import type { DarajaSimulator } from '../../simulators/daraja/server';

export interface ReceivedPost {
  path: string;
  body: unknown;
}

export interface CallbackReceiver {
  url: string;
  received: ReceivedPost[];
  /** What to answer a POST with; default `200 {"ResultCode":0,"ResultDesc":"Accepted"}`. */
  respond: (post: ReceivedPost) => { status: number; body: unknown };
  stop(): Promise<void>;
}

/** The merchant side: a real HTTP server recording what the simulator POSTs to it. */
export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const receiver: CallbackReceiver = {
    url: '',
    received: [],
    respond: () => ({ status: 200, body: { ResultCode: 0, ResultDesc: 'Accepted' } }),
    stop: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const post = { path: req.url ?? '', body: JSON.parse(text) as unknown };
      receiver.received.push(post);
      const answer = receiver.respond(post);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.stop = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The real client, configured as the worker would be for the simulator's sandbox defaults. */
export function clientFor(sim: DarajaSimulator, overrides: Partial<DarajaConfig> = {}) {
  return createDarajaClient({
    baseUrl: sim.url,
    consumerKey: SIM_CONSUMER_KEY,
    consumerSecret: SIM_CONSUMER_SECRET,
    shortcode: SANDBOX_SHORTCODE,
    passkey: SANDBOX_PASSKEY,
    timeoutMs: 5000,
    ...overrides,
  });
}

/** A raw Bearer token, for tests that speak to the simulator on the wire without the client. */
export async function rawToken(sim: DarajaSimulator): Promise<string> {
  const basic = Buffer.from(`${SIM_CONSUMER_KEY}:${SIM_CONSUMER_SECRET}`).toString('base64');
  const res = await fetch(`${sim.url}/oauth/v1/generate?grant_type=client_credentials`, { headers: { authorization: `Basic ${basic}` } });
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function rawPost(sim: DarajaSimulator, path: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token ?? (await rawToken(sim))}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * Runs `activity` the way a worker runs an activity and returns its failure as Temporal records it
 * (the worker passes thrown errors through ensureApplicationFailure): type and nonRetryable included.
 */
export async function failureOf(activity: () => Promise<unknown>): Promise<ApplicationFailure> {
  // Expected failures are the point of these tests; the SDK's "Activity failed" warnings would only be noise.
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  try {
    await env.run(activity);
  } catch (err) {
    return ensureApplicationFailure(err);
  }
  throw new Error('expected the activity to fail');
}
