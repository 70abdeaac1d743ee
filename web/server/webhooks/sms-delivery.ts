import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Sql } from '../../../db/client';
import { smsQueries } from '../../../db/queries/sms';

export interface SmsDeliveryWebhookOptions {
  sql: Sql;
  /** The secret path segment (config/env.ts `SMS_WEBHOOK_TOKEN`). */
  token: string;
}

// Africa's Talking delivery report, form-encoded (integration-facts §2.5).
const reportSchema = z.object({
  id: z.string().regex(/^ATXid_[A-Za-z0-9]+$/, 'must be an Africa\'s Talking message id (ATXid_…)'),
  status: z.enum(['Sent', 'Submitted', 'Buffered', 'Success', 'Failed', 'Rejected']),
  phoneNumber: z.string().regex(/^\+?\d{9,15}$/, 'must be a phone number').optional(),
  networkCode: z.string().regex(/^\d{3,6}$/).optional(),
  failureReason: z.string().max(100).optional(),
  retryCount: z.coerce.number().int().min(0).optional(),
});

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * `POST /api/webhooks/africastalking/delivery/:token`: delivery reports update `sms_logs` by provider
 * message id, once each (a duplicate report adds nothing to the status history). A wrong token is 404,
 * a malformed body 400 with the reason; a report for a message we never sent is acknowledged (200) so
 * Africa's Talking stops retrying it. Encapsulated: its form parser applies to this route only.
 */
export const smsDeliveryWebhook: FastifyPluginAsync<SmsDeliveryWebhookOptions> = async (app: FastifyInstance, options) => {
  const expected = options.token;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.setErrorHandler((err: { statusCode?: number; message: string }, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err }, 'sms delivery report failed');
    return reply.status(status).send({ error: status === 500 ? 'internal error' : err.message });
  });

  app.post('/api/webhooks/africastalking/delivery/:token', async (request, reply) => {
    const { token } = request.params as { token: string };
    if (!sameToken(token, expected)) return reply.status(404).send({ error: 'not found' });
    const parsed = reportSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      return reply.status(400).send({ error: parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ') });
    }
    const report = parsed.data;
    const outcome = await smsQueries.applyDeliveryReport(options.sql, {
      messageId: report.id,
      providerStatus: report.status,
      ...(report.failureReason ? { failureReason: report.failureReason } : {}),
      ...(report.networkCode ? { networkCode: report.networkCode } : {}),
    });
    request.log.info({ messageId: report.id, status: report.status, outcome }, 'sms delivery report');
    return reply.status(200).send({ outcome });
  });
};
