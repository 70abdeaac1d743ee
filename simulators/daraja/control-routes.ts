import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isStkOutcome, STK_OUTCOMES } from './outcomes';
import type { SimulatorCore } from './simulator-core';
import { ControlError } from './control-error';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const flagsSchema = z.object({ duplicate: z.boolean().optional(), drop: z.boolean().optional() }).strict();

/**
 * `/_sim/*`: what a test or a person at this machine uses to steer the simulator. Loopback only, so
 * binding the simulator to the LAN for a phone never lets the LAN approve payments through the API.
 */
export function registerControlApi(app: FastifyInstance, core: SimulatorCore): void {
  void app.register(
    async (control) => {
      control.addHook('onRequest', async (request, reply) => {
        if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) return reply.status(403).send({ error: 'the control API answers loopback only' });
      });

      control.get('/settings', async () => core.settings);
      control.put('/settings', async (request) => core.configure(request.body));

      control.get('/transactions', async () => ({
        transactions: [...core.stk.list(), ...core.c2b.list()].sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      }));
      control.get('/deliveries', async (request) => {
        const { reference } = request.query as { reference?: string };
        return { deliveries: reference ? core.deliveries.forReference(reference) : core.deliveries.list() };
      });
      control.get('/requests', async () => ({ requests: core.requests }));
      control.get('/c2b/registrations', async () => ({ registrations: core.c2b.listRegistrations() }));

      control.post('/stk/:checkoutRequestId/decision', async (request) => {
        const { outcome } = (request.body ?? {}) as { outcome?: unknown };
        if (!isStkOutcome(outcome)) throw new ControlError(400, `outcome must be one of ${Object.keys(STK_OUTCOMES).join(', ')}`);
        return core.stk.decide((request.params as { checkoutRequestId: string }).checkoutRequestId, outcome);
      });
      control.put('/stk/:checkoutRequestId/flags', async (request) => {
        return core.stk.setFlags((request.params as { checkoutRequestId: string }).checkoutRequestId, flagsSchema.parse(request.body));
      });
      control.post('/tokens/revoke', async () => {
        core.tokens.revokeAll();
        return { revoked: true };
      });
    },
    { prefix: '/_sim' },
  );
}
