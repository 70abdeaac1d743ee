import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../../config/logger';
import type { Sql } from '../../db/client';
import type { TemporalClient } from '../../temporal/client';
import './context';
import { createCustomerSessions, createStaffSessions, type WebSecrets } from './auth';
import { checkReadiness } from './readiness';
import { registerRemix, type RemixMode } from './remix';
import { smsDeliveryWebhook } from './webhooks/sms-delivery';
import { registerPaymentWebhooks } from './webhooks/payments';

export interface AppDeps {
  sql: Sql;
  temporal: TemporalClient;
  log: Logger;
  remix: RemixMode;
  secrets: WebSecrets;
  /** TRUST_PROXY: proxies whose X-Forwarded-For is believed (loopback by default). */
  trustProxy?: string;
  /** PAYMENT_WEBHOOK_ALLOWED_IPS: comma-separated IPs/CIDRs allowed to call the payment webhooks; unset = any. */
  paymentWebhookAllowedIps?: string;
  /** From TEMPORAL_UI_URL: `<ui>/namespaces/<ns>/workflows`; pages link a workflow id as `<this>/<id>`. Unset: no link. */
  temporalUiUrl?: string;
}

// Only a proxy on this host is believed by default: a forwarded header from anyone else could forge the
// client address that audit entries and the payment-callback allowlist rely on.
const LOOPBACK_PROXY = '127.0.0.1,::1';

const REQUEST_ID = /^[\w.-]{8,64}$/;

/** Builds the web server without listening, so tests drive it with `inject` or a loopback port. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    // Honour a proxy's request id so one id follows a request through nginx, web and logs.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: deps.trustProxy ?? LOOPBACK_PROXY,
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const readiness = () => checkReadiness(deps);
  const sessions = createStaffSessions(deps.secrets);
  const clientSessions = createCustomerSessions(deps.secrets);
  app.get('/healthz', async () => ({ status: 'up' }));
  app.get('/readyz', async (_request, reply) => {
    const result = await readiness();
    return reply.status(result.ready ? 200 : 503).send({ status: result.ready ? 'ready' : 'not_ready', checks: result.checks });
  });

  await registerPaymentWebhooks(app, { sql: deps.sql, temporal: deps.temporal, log: deps.log, token: deps.secrets.paymentWebhookToken,
    ...(deps.paymentWebhookAllowedIps ? { allowedIps: deps.paymentWebhookAllowedIps } : {}),
  });

  await app.register(smsDeliveryWebhook, { sql: deps.sql, token: deps.secrets.smsWebhookToken });

  await registerRemix(app, {
    mode: deps.remix,
    getLoadContext: (request) => ({
      sql: deps.sql,
      temporal: deps.temporal,
      log: request.log as Logger,
      requestId: request.id,
      readiness,
      sessions,
      clientSessions,
      encryptionKey: deps.secrets.encryptionKey,
      clientIp: request.ip,
      ...(deps.temporalUiUrl ? { temporalUiUrl: deps.temporalUiUrl } : {}),
    }),
  });
  return app;
}
