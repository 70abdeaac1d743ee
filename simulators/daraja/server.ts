import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError } from 'fastify';
import { ZodError } from 'zod';
import { registerDarajaApi } from './api-routes';
import { ControlError } from './control-error';
import { registerControlApi } from './control-routes';
import { sendError } from './envelope';
import type { StkOutcome } from './outcomes';
import { registerPhonePage } from './phone-page';
import { createSimulatorCore, type CoreOptions } from './simulator-core';
import type { DeliveryFlags } from './stk';

export interface DarajaSimulatorOptions extends CoreOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export type DarajaSimulator = Awaited<ReturnType<typeof startDarajaSimulator>>;

/**
 * A local Safaricom Daraja: OAuth, STK Push and Query, C2B register/simulate, with callbacks POSTed to
 * the merchant's URLs like the real thing, plus the `/_sim` control API and the `/_sim/phone` page.
 */
export async function startDarajaSimulator(options: DarajaSimulatorOptions = {}) {
  const core = createSimulatorCore(options);
  const app = Fastify({ logger: false });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/_sim')) {
      const errorCode = reply.statusCode >= 400 && typeof payload === 'string' ? /"errorCode":"([^"]+)"/.exec(payload)?.[1] : undefined;
      core.requests.push({
        at: new Date().toISOString(),
        method: request.method,
        path: request.url.split('?')[0]!,
        statusCode: reply.statusCode,
        ...(errorCode ? { errorCode } : {}),
      });
    }
    return payload;
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (request.url.startsWith('/_sim')) {
      const status = err instanceof ControlError ? err.statusCode : err instanceof ZodError ? 400 : (err.statusCode ?? 500);
      return reply.status(status).send({ error: err instanceof ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : err.message });
    }
    // Unparseable or wrongly typed bodies: Daraja answers these with its envelope, never a framework error.
    if ((err.statusCode ?? 500) < 500) return sendError(reply, 400, '400.002.02', 'Bad Request - Invalid JSON');
    return sendError(reply, 500, '500.003.1001', 'Internal Server Error');
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, '404.001.01', 'Resource not found'));

  registerDarajaApi(app, core);
  registerControlApi(app, core);
  registerPhonePage(app, core);

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  options.logger?.info({ url, merchants: [...core.merchants.keys()], ...core.settings }, 'Daraja simulator listening');

  return {
    url,
    port,
    async stop(): Promise<void> {
      await app.close();
      await core.background.stop();
    },
    configure: core.configure,
    settings: () => ({ ...core.settings }),
    transactions: () => ({ stk: core.stk.list(), c2b: core.c2b.list() }),
    stkPush: (checkoutRequestId: string) => core.stk.get(checkoutRequestId),
    deliveries: (reference?: string) => (reference ? core.deliveries.forReference(reference) : core.deliveries.list()),
    requests: () => [...core.requests],
    registrations: () => core.c2b.listRegistrations(),
    decide: (checkoutRequestId: string, outcome: StkOutcome) => core.stk.decide(checkoutRequestId, outcome),
    setDeliveryFlags: (checkoutRequestId: string, flags: DeliveryFlags) => core.stk.setFlags(checkoutRequestId, flags),
    revokeTokens: () => core.tokens.revokeAll(),
  };
}
