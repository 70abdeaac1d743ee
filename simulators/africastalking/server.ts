import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError } from 'fastify';
import { ZodError } from 'zod';
import { registerAtApi } from './api-routes';
import { registerControlApi } from './control-routes';
import { createSimulatorCore, type CoreOptions } from './core';
import { registerInboxPage } from './inbox-page';
import type { Scenario } from './scenarios';

export interface AfricasTalkingSimulatorOptions extends CoreOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

export type AfricasTalkingSimulator = Awaited<ReturnType<typeof startAfricasTalkingSimulator>>;

/**
 * A local Africa's Talking SMS API: `POST /version1/messaging` answered like the real one (201 with
 * per-recipient statuses), delivery reports POSTed form-encoded to `dlrUrl`, the balance endpoint, the
 * `/_sim` control API and the `/_sim/inbox` page.
 */
export async function startAfricasTalkingSimulator(options: AfricasTalkingSimulatorOptions = {}) {
  const core = createSimulatorCore(options);
  const app = Fastify({ logger: false });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err instanceof ZodError ? 400 : (err.statusCode ?? 500);
    const message = err instanceof ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : err.message;
    if (request.url.startsWith('/_sim')) return reply.status(status).send({ error: message });
    return reply.status(status).type('text/plain').send(message);
  });

  registerAtApi(app, core);
  registerControlApi(app, core);
  registerInboxPage(app, core);

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  options.logger?.info({ url, username: core.credentials.username, ...core.settings }, "Africa's Talking simulator listening");

  return {
    url,
    port,
    username: core.credentials.username,
    apiKey: core.credentials.apiKey,
    async stop(): Promise<void> {
      await core.background.stop();
      await app.close();
    },
    configure: core.configure,
    settings: () => ({ ...core.settings }),
    /** Every recipient of every send, oldest first; `number` (`+2547…`) narrows to one phone. */
    messages: (number?: string) => core.messages.filter((m) => !number || m.number === number).map((m) => ({ ...m })),
    dlrs: () => core.dlrs.map((d) => ({ ...d })),
    setScenario: (number: string, scenario: Scenario) => void core.overrides.set(number, scenario),
    clearScenario: (number: string) => core.overrides.delete(number),
  };
}
