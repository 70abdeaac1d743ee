import { timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodError } from 'zod';
import { toStkCallbackPayload } from '../../../activities/mpesa/activities';
import { c2bPaymentSchema, stkCallbackSchema, type C2bPayment, type StkCallback } from '../../../activities/mpesa/callback-parse';
import type { Logger } from '../../../config/logger';
import type { Sql } from '../../../db/client';
import { mpesa, type MpesaEventKind } from '../../../db/queries/mpesa';
import { recordPayment, type RecordedPayment } from '../../../db/queries/payments';
import { signalCustomerPayment } from '../../../temporal/customer-lifecycle';
import { nudgeHotspotPurchase } from '../../../temporal/hotspot';
import type { TemporalClient } from '../../../temporal/client';
import { stkCallbackSignal } from '../../../workflows/mpesa-payment';

export interface PaymentWebhookOptions {
  sql: Sql;
  temporal: TemporalClient;
  log: Logger;
  /** The secret path segment (PAYMENT_WEBHOOK_TOKEN). */
  token: string;
  /** How often undelivered events are retried (default a minute). */
  redeliverEveryMs?: number;
  /**
   * Deliveries run at most this many at a time (default 4), so a burst of callbacks cannot take every pooled
   * connection from the acknowledgements (payments serialize on the receipt series anyway).
   */
  deliveryConcurrency?: number;
  /** Stored events waiting beyond this many are left to the redelivery sweep instead of memory (default 20,000). */
  maxQueuedDeliveries?: number;
  /**
   * Source IPs/CIDRs allowed to call (PAYMENT_WEBHOOK_ALLOWED_IPS, comma-separated). Empty or unset: no IP
   * check. Checked against `request.ip`, which honours X-Forwarded-For because the app trusts its proxy.
   */
  allowedIps?: string;
}

/** The allowlist as a matcher, or undefined when there is none (every source allowed). */
export function ipAllowlist(spec: string | undefined): ((ip: string) => boolean) | undefined {
  const entries = (spec ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const entry of entries) {
    const [ip, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(ip);
    if (family === 0) throw new Error(`PAYMENT_WEBHOOK_ALLOWED_IPS: "${entry}" is not an IP or CIDR`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  return (raw: string) => {
    // An IPv4 client on a dual-stack socket shows as ::ffff:a.b.c.d.
    const ip = raw.startsWith('::ffff:') && isIP(raw.slice(7)) === 4 ? raw.slice(7) : raw;
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };
}

const STK_ACK = { ResultCode: 0, ResultDesc: 'Accepted' };
const C2B_CONFIRM_ACK = { ResultCode: 0, ResultDesc: 'Success' };
const C2B_ACCEPT = { ResultCode: '0', ResultDesc: 'Accepted' };
const C2B_REJECT_ACCOUNT = { ResultCode: 'C2B00012', ResultDesc: 'Rejected' };
const C2B_REJECT_SHORTCODE = { ResultCode: 'C2B00015', ResultDesc: 'Rejected' };
const NOT_FOUND = { error: 'Not found' };

/**
 * Daraja's callbacks: `POST /api/webhooks/payments/stk/:token`, `…/c2b/:token/validation` and
 * `…/c2b/:token/confirmation` (no "mpesa" in the paths: Daraja refuses C2B URLs naming it).
 * Each checks the secret path token, stores the raw body first (keyed by CheckoutRequestID or TransID, so
 * a duplicate is acknowledged and ignored), answers Daraja at once, then delivers: an STK callback is
 * signalled to its mpesaPayment workflow, a C2B confirmation is recorded for the customer whose account
 * number was typed (suspense when none matches). Malformed bodies get a 400 naming the problem and are
 * kept as `rejected` events for forensics.
 */
export const paymentWebhooks: FastifyPluginAsync<PaymentWebhookOptions> = async (app, opts) => {
  const { sql, log } = opts;
  const allowed = ipAllowlist(opts.allowedIps);
  if (allowed) {
    // Before the body is read: a caller outside the list gets a 403 and nothing is stored.
    app.addHook('onRequest', async (request, reply) => {
      if (allowed(request.ip)) return;
      request.log.warn({ ip: request.ip, url: request.url.replace(/\/(stk|c2b)\/[^/]+/, '/$1/<token>') }, 'payment webhook refused: source IP not in PAYMENT_WEBHOOK_ALLOWED_IPS');
      await reply.status(403).send({ error: `Forbidden: ${request.ip} is not an allowed payment callback source` });
    });
  }
  const inflight = new Set<Promise<void>>();
  const background = (what: string, work: () => Promise<void>) => {
    const p = work()
      .catch((err: unknown) => log.error({ err }, `${what} delivery failed; the event stays unprocessed for redelivery`))
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };
  // Deliveries after the acknowledgement: a bounded number at a time, the rest queued in arrival order. The
  // event is stored already, so anything not delivered here (queue full, process stopped) is swept later.
  const deliveryConcurrency = Math.max(1, opts.deliveryConcurrency ?? 4);
  const maxQueued = opts.maxQueuedDeliveries ?? 20_000;
  const queue: { what: string; work: () => Promise<void> }[] = [];
  let running = 0;
  let closing = false;
  let overflowWarned = 0;
  const pump = () => {
    while (!closing && running < deliveryConcurrency && queue.length > 0) {
      const next = queue.shift()!;
      running++;
      background(next.what, async () => {
        try {
          await next.work();
        } finally {
          running--;
          pump();
        }
      });
    }
  };
  const deliver = (what: string, work: () => Promise<void>) => {
    if (queue.length >= maxQueued) {
      if (Date.now() - overflowWarned > 10_000) {
        overflowWarned = Date.now();
        log.warn({ queued: queue.length }, 'payment deliveries backed up; new events are left to the redelivery sweep');
      }
      return;
    }
    queue.push({ what, work });
    pump();
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onClose', async () => {
    clearInterval(timer);
    // Queued deliveries are dropped (their events stay unprocessed and are redelivered at the next start).
    closing = true;
    queue.length = 0;
    await Promise.allSettled([...inflight]);
  });
  // Events stored but not delivered — a previous process stopped after the 200, or Temporal or the database
  // was away at the time — are delivered at start-up and then every minute.
  let sweeping = false;
  const sweep = () => {
    if (sweeping) return;
    sweeping = true;
    background('redelivery', async () => {
      try {
        const n = await redeliverUndelivered(opts);
        if (n > 0) log.info({ events: n }, 'payment events redelivered');
      } finally {
        sweeping = false;
      }
    });
  };
  app.addHook('onReady', async () => {
    sweep();
    timer = setInterval(sweep, opts.redeliverEveryMs ?? 60_000);
    timer.unref();
  });

  // Raw text in, so a body that is not JSON is still stored and answered with a 400 of ours.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));

  const tokenOk = (given: string) => {
    const a = Buffer.from(given);
    const b = Buffer.from(opts.token);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  /** Common front half: token, JSON, schema; stores rejects. Returns the parsed body or undefined (answered). */
  async function accept<T>(
    request: FastifyRequest<{ Params: { token: string } }>,
    reply: FastifyReply,
    kind: MpesaEventKind,
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  ): Promise<{ parsed: T; body: unknown } | undefined> {
    if (!tokenOk(request.params.token)) {
      await reply.status(404).send(NOT_FOUND);
      return undefined;
    }
    const text = typeof request.body === 'string' ? request.body : '';
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      await reject(request, reply, kind, { raw: text.slice(0, 10_000) }, 'body is not JSON');
      return undefined;
    }
    const result = schema.safeParse(body);
    if (!result.success) {
      const message = result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      await reject(request, reply, kind, body, message);
      return undefined;
    }
    const problem = sanity(result.data as StkCallback | C2bPayment);
    if (problem) {
      await reject(request, reply, kind, body, problem);
      return undefined;
    }
    return { parsed: result.data, body };
  }

  async function reject(request: FastifyRequest, reply: FastifyReply, kind: MpesaEventKind, body: unknown, message: string) {
    request.log.warn({ kind, problem: message }, 'payment webhook body rejected');
    await mpesa.insertEvent(sql, { kind, naturalKey: null, body, sourceIp: request.ip, outcome: 'rejected', detail: message });
    await reply.status(400).send({ error: `Malformed ${kind.replace('_', ' ')}: ${message}` });
  }

  app.post<{ Params: { token: string } }>('/stk/:token', async (request, reply) => {
    const got = await accept<StkCallback>(request, reply, 'stk_callback', stkCallbackSchema);
    if (!got) return reply;
    const event = await mpesa.insertEvent(sql, { kind: 'stk_callback', naturalKey: got.parsed.checkoutRequestId, body: got.body, sourceIp: request.ip });
    await reply.send(STK_ACK);
    if (event) deliver('STK callback', () => deliverStkCallback(opts, event.id, got.parsed));
    return reply;
  });

  app.post<{ Params: { token: string } }>('/c2b/:token/validation', async (request, reply) => {
    const got = await accept<C2bPayment>(request, reply, 'c2b_validation', c2bPaymentSchema);
    if (!got) return reply;
    const decision = await validateC2b(sql, got.parsed);
    await mpesa.insertEvent(sql, {
      kind: 'c2b_validation',
      naturalKey: got.parsed.transId,
      body: got.body,
      sourceIp: request.ip,
      tenantId: decision.tenantId ?? null,
      outcome: decision.answer === C2B_ACCEPT ? 'accepted' : 'rejected',
      detail: decision.reason,
    });
    return reply.send(decision.answer);
  });

  app.post<{ Params: { token: string } }>('/c2b/:token/confirmation', async (request, reply) => {
    const got = await accept<C2bPayment>(request, reply, 'c2b_confirmation', c2bPaymentSchema);
    if (!got) return reply;
    const event = await mpesa.insertEvent(sql, { kind: 'c2b_confirmation', naturalKey: got.parsed.transId, body: got.body, sourceIp: request.ip });
    await reply.send(C2B_CONFIRM_ACK);
    if (event) {
      deliver('C2B confirmation', async () => {
        const delivered = await deliverPaymentToCustomer(sql, got.parsed);
        await mpesa.markEvent(sql, event.id, delivered.outcome, delivered.detail, delivered.tenantId);
        await tellLifecycle(opts, delivered.payment, got.parsed.transId);
      });
    }
    return reply;
  });
};

const ID = /^[\w-]{1,64}$/;

/** Limits the parsers leave open but storage and money need: ids that fit a key, amounts above zero. */
function sanity(p: StkCallback | C2bPayment): string | undefined {
  if ('checkoutRequestId' in p) {
    if (!ID.test(p.checkoutRequestId)) return 'Body.stkCallback.CheckoutRequestID: must be 1 to 64 letters, digits, _ or -';
    if (p.paid && p.amountCents <= 0) return 'Body.stkCallback.CallbackMetadata: Amount must be above zero';
    if (p.paid && !ID.test(p.receipt)) return 'Body.stkCallback.CallbackMetadata: MpesaReceiptNumber must be 1 to 64 letters or digits';
    return undefined;
  }
  if (!ID.test(p.transId)) return 'TransID: must be 1 to 64 letters, digits, _ or -';
  if (p.amountCents <= 0) return 'TransAmount: must be above zero';
  return undefined;
}

/**
 * Delivers stored events that were never processed. Safe to run at any time and on several web servers:
 * a workflow ignores a second callback and recordPayment returns the payment it already has.
 */
export async function redeliverUndelivered(opts: PaymentWebhookOptions, olderThanSeconds = 30): Promise<number> {
  const events = await mpesa.undelivered(opts.sql, olderThanSeconds);
  for (const event of events) {
    if (event.kind === 'stk_callback') {
      const parsed = stkCallbackSchema.safeParse(event.body);
      if (parsed.success) await deliverStkCallback(opts, event.id, parsed.data);
      else await mpesa.markEvent(opts.sql, event.id, 'rejected', 'no longer parses');
    } else {
      const parsed = c2bPaymentSchema.safeParse(event.body);
      if (!parsed.success) {
        await mpesa.markEvent(opts.sql, event.id, 'rejected', 'no longer parses');
        continue;
      }
      const delivered = await deliverPaymentToCustomer(opts.sql, parsed.data);
      await mpesa.markEvent(opts.sql, event.id, delivered.outcome, delivered.detail, delivered.tenantId);
      await tellLifecycle(opts, delivered.payment, parsed.data.transId);
    }
  }
  return events.length;
}

/**
 * Hands a recorded payment to its customer's lifecycle workflow. Also after a duplicate: the first delivery
 * may have died between recording and signalling, and the workflow ignores a payment it has applied.
 */
async function tellLifecycle(opts: PaymentWebhookOptions, payment: RecordedPayment | undefined, receipt: string): Promise<void> {
  if (!payment?.customerId) return;
  await signalCustomerPayment(opts.temporal, opts.sql, {
    tenantId: payment.tenantId,
    customerId: payment.customerId,
    notice: { paymentId: payment.paymentId, amountCents: payment.amountCents, method: 'mpesa', receipt },
  });
}

/** Registers the payment webhooks under `/api/webhooks/payments` in their own encapsulated context. */
export async function registerPaymentWebhooks(app: FastifyInstance, opts: PaymentWebhookOptions): Promise<void> {
  await app.register(paymentWebhooks, { ...opts, prefix: '/api/webhooks/payments' });
}

async function validateC2b(sql: Sql, p: C2bPayment): Promise<{ answer: typeof C2B_ACCEPT | typeof C2B_REJECT_ACCOUNT | typeof C2B_REJECT_SHORTCODE; tenantId?: string; reason: string }> {
  const tenant = await mpesa.tenantByPaybill(sql, p.businessShortCode);
  if (!tenant || tenant.status !== 'active') return { answer: C2B_REJECT_SHORTCODE, reason: `no active ISP with paybill ${p.businessShortCode}` };
  const customer = p.billRefNumber ? await mpesa.customerByAccount(sql, tenant.id, p.billRefNumber) : undefined;
  if (!customer) return { answer: C2B_REJECT_ACCOUNT, tenantId: tenant.id, reason: `no customer with account ${p.billRefNumber || '(blank)'}` };
  return { answer: C2B_ACCEPT, tenantId: tenant.id, reason: `account ${p.billRefNumber}` };
}

export interface PaymentDelivery {
  outcome: 'recorded' | 'suspense' | 'duplicate_payment' | 'unknown_shortcode';
  tenantId?: string;
  payment?: RecordedPayment;
  detail: string;
}

/**
 * Records a C2B (paybill) payment once for the customer whose account number was typed; one that matches
 * no customer is kept in suspense (customer_id null) for finance to allocate. The seam where the
 * customer's lifecycle workflow will be signalled with the receipt (issue 7).
 */
export async function deliverPaymentToCustomer(sql: Sql, p: C2bPayment): Promise<PaymentDelivery> {
  const tenant = await mpesa.tenantByPaybill(sql, p.businessShortCode);
  if (!tenant) return { outcome: 'unknown_shortcode', detail: `no ISP with paybill ${p.businessShortCode}` };
  const customer = p.billRefNumber ? await mpesa.customerByAccount(sql, tenant.id, p.billRefNumber) : undefined;
  const payment = await sql.begin((tx) =>
    recordPayment(tx, {
      tenantId: tenant.id,
      customerId: customer?.id ?? null,
      method: 'mpesa_c2b',
      amountCents: p.amountCents,
      externalRef: p.transId,
      payerPhone: p.phone ?? null,
      payerName: p.payerName || null,
      receivedAt: p.transactionTime,
      notes: customer ? null : `Account "${p.billRefNumber.slice(0, 40)}" matches no customer (suspense)`,
    }),
  );
  if (!payment.created) return { outcome: 'duplicate_payment', tenantId: tenant.id, payment, detail: `receipt ${p.transId} already recorded` };
  return customer
    ? { outcome: 'recorded', tenantId: tenant.id, payment, detail: `credited to ${p.billRefNumber}` }
    : { outcome: 'suspense', tenantId: tenant.id, payment, detail: `account ${p.billRefNumber || '(blank)'} unknown` };
}

/** Signals the owning workflow; a paid callback for a workflow that already ended is credited here. */
async function deliverStkCallback(opts: PaymentWebhookOptions, eventId: number, cb: StkCallback): Promise<void> {
  const { sql, temporal } = opts;
  const checkout = await mpesa.checkoutByRequestId(sql, cb.checkoutRequestId);
  if (!checkout) {
    // Either a push we never made (suspense) or one whose id is not stored yet: initiateStkPush reads it back.
    await mpesa.markEvent(sql, eventId, 'unknown_checkout', `no checkout ${cb.checkoutRequestId}`);
    return;
  }
  try {
    await temporal.workflow.getHandle(checkout.workflowId).signal(stkCallbackSignal, toStkCallbackPayload(cb));
    await mpesa.markEvent(sql, eventId, 'signalled', checkout.workflowId, checkout.tenantId);
    return;
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
  }
  // The workflow is over (STK Query settled it, or it gave up): the callback still counts, once.
  if (cb.paid) {
    const recorded = await sql.begin((tx) =>
      mpesa.recordStkPayment(tx, {
        checkoutRequestId: cb.checkoutRequestId,
        receipt: cb.receipt,
        amountCents: cb.amountCents,
        phone: cb.phone ?? null,
        transactionTime: cb.transactionTime,
      }),
    );
    await mpesa.markEvent(sql, eventId, recorded.created ? 'recorded_late' : 'receipt_attached', checkout.workflowId, checkout.tenantId);
    await tellLifecycle(opts, recorded, cb.receipt);
    await nudgeHotspotPurchase(temporal, checkout);
  } else {
    await mpesa.markEvent(sql, eventId, 'late_failure', `${cb.resultCode} ${cb.resultDesc}`, checkout.tenantId);
  }
}
