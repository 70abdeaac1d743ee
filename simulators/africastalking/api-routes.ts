import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorCore } from './core';

const AUTH_FAILED = 'The supplied authentication is invalid';

/** True when the request carries this account's `apikey` header (any case) and username; answers 401 otherwise. */
function authorised(core: SimulatorCore, request: FastifyRequest, reply: FastifyReply, username: unknown): boolean {
  const apiKey = request.headers.apikey;
  if (apiKey === core.credentials.apiKey && username === core.credentials.username) return true;
  void reply.status(401).type('text/plain').send(AUTH_FAILED);
  return false;
}

/** The Africa's Talking endpoints the `africastalking` SDK (0.8.3) calls for SMS: send, fetch, balance. */
export function registerAtApi(app: FastifyInstance, core: SimulatorCore): void {
  app.post('/version1/messaging', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    if (!authorised(core, request, reply, body.username)) return reply;
    for (const field of ['username', 'to', 'message'] as const) {
      if (!body[field]) return reply.status(400).type('text/plain').send(`Request is missing required form field '${field}'`);
    }
    const to = body.to!.split(',').map((n) => n.trim()).filter(Boolean);
    const bad = to.find((n) => !/^\+\d{9,15}$/.test(n));
    if (bad) return reply.status(400).type('text/plain').send(`Invalid phone number: ${bad}`);
    const answer = core.send({ to, message: body.message!, from: body.from || null });
    if (core.settings.responseDelayMs > 0) await delay(core.settings.responseDelayMs, undefined, { signal: core.background.signal }).catch(() => undefined);
    return reply.status(201).send(answer);
  });

  // Fetch inbox (messages sent *to* the account's shortcode): the simulator has none to give.
  app.get('/version1/messaging', async (request, reply) => {
    const { username } = request.query as { username?: string };
    if (!authorised(core, request, reply, username)) return reply;
    return { SMSMessageData: { Messages: [] } };
  });

  app.get('/version1/user', async (request, reply) => {
    const { username } = request.query as { username?: string };
    if (!authorised(core, request, reply, username)) return reply;
    return { UserData: { balance: `KES ${core.settings.balanceKes.toFixed(2)}` } };
  });
}
