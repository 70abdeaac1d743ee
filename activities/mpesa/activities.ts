import { ApplicationFailure } from '@temporalio/activity';
import type { Sql } from '../../db/client';
import { mpesa } from '../../db/queries/mpesa';
import { normalizeKenyanPhone } from '../../domain/phone';
import { parseStkCallback, type StkCallback } from './callback-parse';
import { createDarajaClient, type DarajaClient, type DarajaConfig, type StkQueryResult } from './daraja-client';
import { MPESA_FAILURES, refuse } from './failures';

/** Where Daraja is and where it calls us back. */
export interface DarajaSettings extends DarajaConfig {
  /** The address Daraja reaches this deployment on (PUBLIC_URL). */
  publicUrl: string;
  /** The secret path segment of the payment webhooks (PAYMENT_WEBHOOK_TOKEN). */
  webhookToken: string;
}

/** Webhook paths. They avoid "mpesa"/"safaricom": Daraja refuses C2B URLs naming them. */
export const paymentWebhookPaths = {
  stk: (token: string) => `/api/webhooks/payments/stk/${encodeURIComponent(token)}`,
  c2bValidation: (token: string) => `/api/webhooks/payments/c2b/${encodeURIComponent(token)}/validation`,
  c2bConfirmation: (token: string) => `/api/webhooks/payments/c2b/${encodeURIComponent(token)}/confirmation`,
};

/**
 * A parsed STK callback as it travels through Temporal (JSON: the time is an ISO string). This is the
 * payload of `stkCallbackSignal`.
 */
export interface StkCallbackPayload {
  checkoutRequestId: string;
  merchantRequestId: string;
  resultCode: number;
  resultDesc: string;
  receipt?: string;
  amountCents?: number;
  phone?: string;
  transactionTime?: string;
}

export function toStkCallbackPayload(cb: StkCallback): StkCallbackPayload {
  const base = { checkoutRequestId: cb.checkoutRequestId, merchantRequestId: cb.merchantRequestId, resultCode: cb.resultCode, resultDesc: cb.resultDesc };
  if (!cb.paid) return base;
  return { ...base, receipt: cb.receipt, amountCents: cb.amountCents, transactionTime: cb.transactionTime.toISOString(), ...(cb.phone ? { phone: cb.phone } : {}) };
}

export interface InitiateStkPushInput {
  workflowId: string;
  tenantId: string;
  customerId: string | null;
  phone: string;
  amountCents: number;
  accountReference: string;
  purpose: string;
  description: string;
}

export interface StkPushStarted {
  checkoutRequestId: string;
  merchantRequestId: string;
  customerMessage: string;
  /** A callback that reached the webhook before the CheckoutRequestID was stored (it could not be routed then). */
  earlyCallback?: StkCallbackPayload;
}

/** Activities behind `mpesaPayment`. Every one is safe to retry. */
export function createMpesaActivities({ sql, daraja, client }: { sql: Sql; daraja: DarajaSettings; client?: DarajaClient }) {
  const darajaClient = client ?? createDarajaClient(daraja);
  const callbackUrl = new URL(paymentWebhookPaths.stk(daraja.webhookToken), daraja.publicUrl).toString();

  return {
    /**
     * Creates the checkout row (once per workflow) and sends the PIN prompt. A retry after the push was
     * accepted returns the stored CheckoutRequestID instead of prompting the customer a second time.
     */
    async initiateStkPush(input: InitiateStkPushInput): Promise<StkPushStarted> {
      const phone = normalizeKenyanPhone(input.phone);
      if (!phone) throw refuse(`${input.phone} is not a Kenyan mobile number`, MPESA_FAILURES.invalidPhone);
      // Checked before the checkout row exists, so bad input fails once instead of retrying a constraint error.
      if (!Number.isInteger(input.amountCents) || input.amountCents <= 0 || input.amountCents % 100 !== 0) {
        throw refuse(`M-Pesa takes whole shillings only; ${input.amountCents} cents is not`, MPESA_FAILURES.invalidAmount);
      }
      if (!input.accountReference || input.accountReference.length > 12) {
        throw refuse(`account reference "${input.accountReference}" must be 1 to 12 characters`, MPESA_FAILURES.invalidAccountReference);
      }
      if (!input.purpose || input.purpose.length > 64) throw ApplicationFailure.nonRetryable('purpose must be 1 to 64 characters', 'InvalidInput');
      const checkout = await mpesa.createCheckout(sql, { ...input, phone });
      if (checkout.checkoutRequestId && checkout.merchantRequestId) {
        return { checkoutRequestId: checkout.checkoutRequestId, merchantRequestId: checkout.merchantRequestId, customerMessage: 'Request already sent' };
      }
      const accepted = await darajaClient.stkPush({
        amountCents: input.amountCents,
        phone,
        accountReference: input.accountReference,
        description: input.description,
        callbackUrl,
      });
      await mpesa.checkoutAccepted(sql, input.workflowId, accepted.checkoutRequestId, accepted.merchantRequestId);
      // The webhook may have received the callback before the line above committed; it is stored, so pick it up.
      const [early] = await mpesa.events(sql, { kind: 'stk_callback', naturalKey: accepted.checkoutRequestId });
      let earlyCallback: StkCallbackPayload | undefined;
      if (early) {
        const parsed = (() => {
          try {
            return parseStkCallback(early.body);
          } catch {
            return undefined;
          }
        })();
        if (parsed) earlyCallback = toStkCallbackPayload(parsed);
      }
      return { ...accepted, ...(earlyCallback ? { earlyCallback } : {}) };
    },

    /** STK Query: `pending` while the customer has not answered (Daraja's HTTP 500 "being processed"). */
    async queryStkStatus(checkoutRequestId: string): Promise<StkQueryResult> {
      return darajaClient.stkQuery(checkoutRequestId);
    },

    /** Credits a paid push once (see mpesa.recordStkPayment); idempotent by checkout and by receipt. */
    async recordStkPayment(input: { checkoutRequestId: string; receipt: string | null; amountCents?: number; phone?: string; transactionTime?: string }) {
      const recorded = await sql.begin((tx) =>
        mpesa.recordStkPayment(tx, {
          checkoutRequestId: input.checkoutRequestId,
          receipt: input.receipt,
          ...(input.amountCents ? { amountCents: input.amountCents } : {}),
          ...(input.phone ? { phone: input.phone } : {}),
          ...(input.transactionTime ? { transactionTime: new Date(input.transactionTime) } : {}),
        }),
      );
      return { paymentId: recorded.paymentId, created: recorded.created, receipt: recorded.checkout.receipt, amountCents: recorded.amountCents };
    },

    /** Marks a push that ended without payment. */
    async settleStkCheckout(input: { checkoutRequestId: string; status: 'failed' | 'cancelled' | 'timeout'; resultCode: number | null; resultDesc: string }) {
      if (!input.resultDesc) throw ApplicationFailure.nonRetryable('resultDesc is required', 'InvalidInput');
      await mpesa.settleCheckout(sql, input.checkoutRequestId, input);
    },
  };
}

export type MpesaActivities = ReturnType<typeof createMpesaActivities>;
