import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SimulatorCore } from './core';
import { isRecipientStatusCode, type Scenario } from './scenarios';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const scenarioSchema = z
  .object({
    statusCode: z.number().int().refine(isRecipientStatusCode, 'must be an Africa\'s Talking recipient status code (101, 403, 405, 406, …)'),
    dlrFailureReason: z.string().min(1).optional(),
  })
  .strict();

/** `/_sim/*`: how a test or a person at this machine inspects and steers the simulator. Loopback only. */
export function registerControlApi(app: FastifyInstance, core: SimulatorCore): void {
  void app.register(
    async (control) => {
      control.addHook('onRequest', async (request, reply) => {
        if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) return reply.status(403).send({ error: 'the control API answers loopback only' });
      });
      control.get('/settings', async () => core.settings);
      control.put('/settings', async (request) => core.configure(request.body));
      control.get('/messages', async (request) => {
        const { number } = request.query as { number?: string };
        return { messages: number ? core.messages.filter((m) => m.number === number) : core.messages };
      });
      control.get('/dlrs', async () => ({ dlrs: core.dlrs }));
      control.get('/scenarios', async () => ({ scenarios: Object.fromEntries(core.overrides) }));
      control.put('/scenarios/:number', async (request) => {
        const { number } = request.params as { number: string };
        const scenario = scenarioSchema.parse(request.body) as Scenario;
        core.overrides.set(number, scenario);
        return { number, ...scenario };
      });
      control.delete('/scenarios/:number', async (request) => {
        const { number } = request.params as { number: string };
        return { removed: core.overrides.delete(number) };
      });
    },
    { prefix: '/_sim' },
  );
}
