import type { Duration } from '@temporalio/common';
import {
  ApplicationFailure,
  ActivityFailure,
  condition,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MpesaActivities, StkCallbackPayload } from '../activities/mpesa/activities';
import { CustomerId, Phone, TenantId } from '../temporal/search-attributes';
import { paymentReceivedSignal, type PaymentNotice } from './customer-lifecycle/messages';

export type MpesaPaymentStage = 'requesting' | 'waiting_for_customer' | 'checking_with_mpesa' | 'recording' | 'paid' | 'failed';

export interface MpesaPaymentInput {
  tenantId: string;
  /** Null for payments that belong to no customer yet (a hotspot guest). */
  customerId: string | null;
  /** Any Kenyan mobile form: 07…, 01…, +254…, 254…. */
  phone: string;
  /** Whole shillings in cents (a multiple of 100). */
  amountCents: number;
  /** The paybill "account" on the prompt, at most 12 characters (normally the customer's account number). */
  accountReference: string;
  /** What it pays for, e.g. `invoice`, `hotspot`, `wallet_topup`. */
  purpose: string;
  description?: string;
  /** How long to wait for the callback before asking Daraja (default 90 s). */
  callbackWait?: Duration;
  /** How long STK Query keeps asking after that (default 3 min). */
  queryWindow?: Duration;
  /** First pause between queries, doubling up to 30 s (default 5 s). */
  queryBackoff?: Duration;
  /** The workflow the payment is for (a customer lifecycle): signalled `paymentReceived` once it is recorded. */
  ownerWorkflowId?: string;
}

export interface MpesaPaymentStatus {
  stage: MpesaPaymentStage;
  checkoutRequestId?: string;
  resultCode?: number;
  /** Plain English for the customer: what happened and what to do. */
  message: string;
  receipt?: string;
  paymentId?: string;
}

/** Daraja's STK callback, parsed (activities/mpesa/callback-parse.ts); the webhook sends it. */
export const stkCallbackSignal = defineSignal<[StkCallbackPayload]>('stkCallback');
export const paymentStatusQuery = defineQuery<MpesaPaymentStatus>('paymentStatus');

const { initiateStkPush, settleStkCheckout } = proxyActivities<MpesaActivities>({
  startToCloseTimeout: '30 seconds',
  // Daraja 5xx and database blips retry; a locked subscriber clears within a minute or two.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 6 },
});

const { recordStkPayment } = proxyActivities<MpesaActivities>({
  startToCloseTimeout: '30 seconds',
  // The customer has paid: keep trying through a database outage, however long (idempotent by checkout).
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const { queryStkStatus } = proxyActivities<MpesaActivities>({
  startToCloseTimeout: '25 seconds',
  // One query; the workflow loop itself backs off between them.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3 },
});

/** What the customer reads for each STK ResultCode (integration-facts §1.5). */
export function stkResultMessage(code: number | undefined): string {
  switch (code) {
    case 0:
      return 'Payment received. Thank you.';
    case 1:
      return 'Not enough balance on M-Pesa for this payment. Top up and try again.';
    case 1032:
      return 'You cancelled the M-Pesa request.';
    case 1037:
      return 'Your phone could not be reached. Check that it is on and has network, then try again.';
    case 2001:
      return 'The M-Pesa PIN entered was wrong. Try again.';
    case 1019:
      return 'The M-Pesa request expired before it was answered. Try again.';
    case 1001:
      return 'Another M-Pesa request is open on your phone. Finish or cancel it, then try again.';
    case 17:
    case 26:
    case 1025:
    case 9999:
      return 'M-Pesa could not process the request just now. Try again in a few minutes.';
    case undefined:
      return 'We did not get an answer from M-Pesa in time. If money left your account it will still be credited.';
    default:
      return `M-Pesa declined the payment (code ${code}). Try again or pay through the paybill.`;
  }
}

function checkoutStatusFor(code: number): 'cancelled' | 'timeout' | 'failed' {
  if (code === 1032) return 'cancelled';
  if (code === 1037 || code === 1019) return 'timeout';
  return 'failed';
}

/**
 * One M-Pesa STK payment attempt, id `mpesa-<tenantId>-<uuid>` (the uuid is the caller's idempotency key).
 * Sends the PIN prompt, waits for Daraja's callback (signal `stkCallback`), falls back to STK Query with
 * backoff when no callback comes, and records the payment exactly once on ResultCode 0. Query
 * `paymentStatus` answers the portal with a message a customer understands.
 */
export async function mpesaPayment(input: MpesaPaymentInput): Promise<MpesaPaymentStatus> {
  const { workflowId } = workflowInfo();
  let status: MpesaPaymentStatus = { stage: 'requesting', message: 'Sending the M-Pesa request to your phone…' };
  let callback: StkCallbackPayload | undefined;
  let expectedCheckout: string | undefined = undefined;
  setHandler(paymentStatusQuery, () => status);
  // A callback for another push (never expected) is ignored once the id is known.
  setHandler(stkCallbackSignal, (cb) => {
    if (callback) return;
    if (expectedCheckout && cb.checkoutRequestId !== expectedCheckout) return;
    callback = cb;
  });

  upsertSearchAttributes([
    { key: TenantId, value: input.tenantId },
    { key: Phone, value: input.phone },
    ...(input.customerId ? [{ key: CustomerId, value: input.customerId }] : []),
  ]);

  let started;
  try {
    started = await initiateStkPush({
      workflowId,
      tenantId: input.tenantId,
      customerId: input.customerId,
      phone: input.phone,
      amountCents: input.amountCents,
      accountReference: input.accountReference,
      purpose: input.purpose,
      description: input.description ?? input.purpose,
    });
  } catch (err) {
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const message = cause instanceof ApplicationFailure ? cause.message : 'M-Pesa could not be reached. Try again in a few minutes.';
    status = { stage: 'failed', message };
    return status;
  }
  const checkoutRequestId = started.checkoutRequestId;
  expectedCheckout = checkoutRequestId;
  if (callback && callback.checkoutRequestId !== checkoutRequestId) callback = undefined;
  if (!callback && started.earlyCallback) callback = started.earlyCallback;
  status = { stage: 'waiting_for_customer', checkoutRequestId, message: 'Check your phone and enter your M-Pesa PIN.' };

  let resultCode: number | undefined;
  let resultDesc = '';
  if (await condition(() => callback !== undefined, input.callbackWait ?? '90 seconds')) {
    resultCode = callback!.resultCode;
    resultDesc = callback!.resultDesc;
  } else {
    status = { ...status, stage: 'checking_with_mpesa', message: 'Checking with M-Pesa…' };
    // Date.now() inside a workflow is the workflow's own clock (replay-safe), which is the time this window is about.
    const deadline = Date.now() + msOf(input.queryWindow ?? '3 minutes');
    let pause = msOf(input.queryBackoff ?? '5 seconds');
    while (resultCode === undefined && callback === undefined && Date.now() < deadline) {
      const answer = await queryStkStatus(checkoutRequestId).catch(() => ({ state: 'pending' as const }));
      if (answer.state === 'final') {
        resultCode = answer.resultCode;
        resultDesc = answer.resultDesc;
        break;
      }
      // A late callback ends the wait early.
      await condition(() => callback !== undefined, Math.min(pause, Math.max(1, deadline - Date.now())));
      pause = Math.min(pause * 2, 30_000);
    }
    if (callback) {
      resultCode = callback.resultCode;
      resultDesc = callback.resultDesc;
    }
  }

  if (resultCode === 0) {
    status = { ...status, stage: 'recording', resultCode, message: 'Payment confirmed, recording it…' };
    // The receipt only ever comes with the callback; without it the CheckoutRequestID stands in.
    const paidCallback = callback?.resultCode === 0 ? callback : undefined;
    const recorded = await recordStkPayment({
      checkoutRequestId,
      receipt: paidCallback?.receipt ?? null,
      ...(paidCallback?.amountCents ? { amountCents: paidCallback.amountCents } : {}),
      ...(paidCallback?.phone ? { phone: paidCallback.phone } : {}),
      ...(paidCallback?.transactionTime ? { transactionTime: paidCallback.transactionTime } : {}),
    });
    status = {
      stage: 'paid',
      checkoutRequestId,
      resultCode,
      message: stkResultMessage(0),
      paymentId: recorded.paymentId,
      ...(recorded.receipt ? { receipt: recorded.receipt } : {}),
    };
    // Only runs that name an owner issue this command, so histories from before the field replay unchanged.
    if (input.ownerWorkflowId) await tellOwner(input.ownerWorkflowId, { paymentId: recorded.paymentId, amountCents: recorded.amountCents, method: 'mpesa_stk', receipt: recorded.receipt ?? null });
    return status;
  }

  await settleStkCheckout({
    checkoutRequestId,
    status: resultCode === undefined ? 'timeout' : checkoutStatusFor(resultCode),
    resultCode: resultCode ?? null,
    resultDesc: resultCode === undefined ? 'No answer from M-Pesa before the deadline' : resultDesc || `ResultCode ${resultCode}`,
  });
  status = { stage: 'failed', checkoutRequestId, message: stkResultMessage(resultCode), ...(resultCode === undefined ? {} : { resultCode }) };
  return status;
}

async function tellOwner(ownerWorkflowId: string, notice: PaymentNotice): Promise<void> {
  try {
    await getExternalWorkflowHandle(ownerWorkflowId).signal(paymentReceivedSignal, notice);
  } catch {
    // The owner has ended (terminated customer): the payment stays on the ledger for finance to refund.
  }
}

/** Milliseconds of a Duration given as a number or as `90 seconds` / `3 minutes` / `500ms`. */
function msOf(d: Duration): number {
  if (typeof d === 'number') return d;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|seconds?|m|minutes?|h|hours?)?\s*$/i.exec(String(d));
  if (!m) throw ApplicationFailure.nonRetryable(`cannot read duration ${String(d)}`, 'InvalidInput');
  const unit = (m[2] ?? 'ms').toLowerCase();
  const factor = unit.startsWith('ms') || unit.startsWith('milli') ? 1 : unit.startsWith('s') ? 1000 : unit.startsWith('m') ? 60_000 : 3_600_000;
  return Number(m[1]) * factor;
}
