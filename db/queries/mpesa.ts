import type { Tx } from '../client';
import { recordPayment, type RecordedPayment } from './payments';

export type MpesaEventKind = 'stk_callback' | 'c2b_validation' | 'c2b_confirmation';
export type CheckoutStatus = 'pending' | 'paid' | 'failed' | 'cancelled' | 'timeout';

export interface MpesaEvent {
  id: number;
  kind: MpesaEventKind;
  naturalKey: string | null;
  tenantId: string | null;
  body: unknown;
  sourceIp: string | null;
  receivedAt: Date;
  processedAt: Date | null;
  outcome: string | null;
  detail: string | null;
}

export interface MpesaCheckout {
  id: string;
  tenantId: string;
  customerId: string | null;
  phone: string;
  amountCents: number;
  accountReference: string;
  purpose: string;
  workflowId: string;
  checkoutRequestId: string | null;
  merchantRequestId: string | null;
  status: CheckoutStatus;
  resultCode: number | null;
  resultDesc: string | null;
  receipt: string | null;
  paymentId: string | null;
}

const eventColumns = (tx: Tx) => tx`
  id, kind, natural_key as "naturalKey", tenant_id as "tenantId", body, source_ip as "sourceIp", received_at as "receivedAt",
  processed_at as "processedAt", outcome, detail`;

const checkoutColumns = (tx: Tx) => tx`
  id, tenant_id as "tenantId", customer_id as "customerId", phone, amount_cents as "amountCents",
  account_reference as "accountReference", purpose, workflow_id as "workflowId", checkout_request_id as "checkoutRequestId",
  merchant_request_id as "merchantRequestId", status, result_code as "resultCode", result_desc as "resultDesc", receipt,
  payment_id as "paymentId"`;

export interface StkPaymentInput {
  checkoutRequestId: string;
  /** The MpesaReceiptNumber from the callback; null when only STK Query said "paid" (it never returns one). */
  receipt: string | null;
  amountCents?: number;
  phone?: string | null;
  transactionTime?: Date;
}

export const mpesa = {
  /**
   * Stores a raw body before anything else. Returns the new event, or undefined when an event of this kind
   * with this natural key is already stored (a duplicate delivery: acknowledge and do nothing). Only the id
   * comes back: this is on every callback's acknowledgement path.
   */
  async insertEvent(
    tx: Tx,
    e: { kind: MpesaEventKind; naturalKey: string | null; body: unknown; sourceIp: string | null; tenantId?: string | null; outcome?: string; detail?: string },
  ): Promise<Pick<MpesaEvent, 'id'> | undefined> {
    const processed = e.outcome !== undefined;
    // jsonb cannot hold a bare SQL null: scalars (a body of `null`, `5`, `"x"`) are wrapped so they are kept too.
    const body = e.body !== null && typeof e.body === 'object' ? e.body : { value: e.body ?? null };
    const [row] = await tx<Pick<MpesaEvent, 'id'>[]>`
      insert into mpesa_events (kind, natural_key, tenant_id, body, source_ip, outcome, detail, processed_at)
      values (${e.kind}, ${e.naturalKey}, ${e.tenantId ?? null}, ${tx.json(body as never)}, ${e.sourceIp}, ${e.outcome ?? null},
        ${e.detail?.slice(0, 500) ?? null}, ${processed ? tx`now()` : null})
      on conflict (kind, natural_key) where natural_key is not null do nothing
      returning id`;
    return row;
  },

  async markEvent(tx: Tx, id: number, outcome: string, detail?: string, tenantId?: string | null): Promise<void> {
    await tx`update mpesa_events set processed_at = now(), outcome = ${outcome}, detail = ${detail?.slice(0, 500) ?? null},
      tenant_id = coalesce(${tenantId ?? null}::uuid, tenant_id) where id = ${id}`;
  },

  async events(tx: Tx, f: { kind?: MpesaEventKind; naturalKey?: string } = {}): Promise<MpesaEvent[]> {
    return tx<MpesaEvent[]>`
      select ${eventColumns(tx)} from mpesa_events where true
      ${f.kind ? tx`and kind = ${f.kind}` : tx``} ${f.naturalKey ? tx`and natural_key = ${f.naturalKey}` : tx``}
      order by id`;
  },

  /** The raw Daraja bodies behind a payment and, for STK, its checkout (workflow id included). */
  async forPayment(tx: Tx, p: { id: string; method: string; externalRef: string | null }): Promise<{ checkout?: MpesaCheckout; events: MpesaEvent[] }> {
    if (p.method === 'mpesa_c2b' && p.externalRef) {
      return { events: await tx<MpesaEvent[]>`select ${eventColumns(tx)} from mpesa_events where kind in ('c2b_validation', 'c2b_confirmation') and natural_key = ${p.externalRef} order by id` };
    }
    if (p.method !== 'mpesa_stk') return { events: [] };
    const [checkout] = await tx<MpesaCheckout[]>`select ${checkoutColumns(tx)} from mpesa_checkouts where payment_id = ${p.id}`;
    if (!checkout?.checkoutRequestId) return { events: [] };
    const events = await tx<MpesaEvent[]>`select ${eventColumns(tx)} from mpesa_events where kind = 'stk_callback' and natural_key = ${checkout.checkoutRequestId} order by id`;
    return { checkout, events };
  },

  /** Events stored but never delivered (the process stopped between the 200 and the delivery). */
  async undelivered(tx: Tx, olderThanSeconds: number, limit = 500): Promise<MpesaEvent[]> {
    return tx<MpesaEvent[]>`
      select ${eventColumns(tx)} from mpesa_events
      where processed_at is null and kind in ('stk_callback', 'c2b_confirmation') and received_at < now() - make_interval(secs => ${olderThanSeconds})
      order by id limit ${limit}`;
  },

  /** The tenant whose paybill a C2B payment went to (only ISPs that are active take payments). */
  async tenantByPaybill(tx: Tx, shortcode: string): Promise<{ id: string; status: string } | undefined> {
    const [row] = await tx<{ id: string; status: string }[]>`
      select id, status from tenants where paybill = ${shortcode} or till_number = ${shortcode}
      order by (status = 'active') desc, created_at limit 1`;
    return row;
  },

  async customerByAccount(tx: Tx, tenantId: string, accountNumber: string): Promise<{ id: string; status: string } | undefined> {
    const [row] = await tx<{ id: string; status: string }[]>`
      select id, status from customers where tenant_id = ${tenantId} and account_number = ${accountNumber.toUpperCase()}`;
    return row;
  },

  /** The checkout row of a workflow, created on first call; a retried activity gets the same row back. */
  async createCheckout(
    tx: Tx,
    c: Pick<MpesaCheckout, 'tenantId' | 'customerId' | 'phone' | 'amountCents' | 'accountReference' | 'purpose' | 'workflowId'>,
  ): Promise<MpesaCheckout> {
    await tx`
      insert into mpesa_checkouts (tenant_id, customer_id, phone, amount_cents, account_reference, purpose, workflow_id)
      values (${c.tenantId}, ${c.customerId}, ${c.phone}, ${c.amountCents}, ${c.accountReference}, ${c.purpose}, ${c.workflowId})
      on conflict (workflow_id) do nothing`;
    const [row] = await tx<MpesaCheckout[]>`select ${checkoutColumns(tx)} from mpesa_checkouts where workflow_id = ${c.workflowId}`;
    return row!;
  },

  async checkoutAccepted(tx: Tx, workflowId: string, checkoutRequestId: string, merchantRequestId: string): Promise<void> {
    await tx`update mpesa_checkouts set checkout_request_id = ${checkoutRequestId}, merchant_request_id = ${merchantRequestId}, updated_at = now()
      where workflow_id = ${workflowId}`;
  },

  async checkoutByRequestId(tx: Tx, checkoutRequestId: string): Promise<MpesaCheckout | undefined> {
    const [row] = await tx<MpesaCheckout[]>`select ${checkoutColumns(tx)} from mpesa_checkouts where checkout_request_id = ${checkoutRequestId}`;
    return row;
  },

  async checkoutByWorkflow(tx: Tx, workflowId: string): Promise<MpesaCheckout | undefined> {
    const [row] = await tx<MpesaCheckout[]>`select ${checkoutColumns(tx)} from mpesa_checkouts where workflow_id = ${workflowId}`;
    return row;
  },

  /** A failed, cancelled or timed-out push. Never downgrades a checkout that is already paid. */
  async settleCheckout(tx: Tx, checkoutRequestId: string, s: { status: Exclude<CheckoutStatus, 'pending' | 'paid'>; resultCode: number | null; resultDesc: string }) {
    await tx`update mpesa_checkouts set status = ${s.status}, result_code = ${s.resultCode}, result_desc = ${s.resultDesc},
        settled_at = now(), updated_at = now()
      where checkout_request_id = ${checkoutRequestId} and status <> 'paid'`;
  },

  /**
   * Credits a paid STK push exactly once, whoever gets here first (the workflow after a callback or a query,
   * or the webhook for a callback that arrives after the workflow ended). The checkout row is locked and
   * carries the payment id, so a second call returns the first payment. Without a receipt (STK Query said
   * paid, no callback ever came) the payment's external_ref is the CheckoutRequestID; a receipt arriving
   * later replaces it on the same payment — the ledger is never touched twice.
   */
  async recordStkPayment(tx: Tx, input: StkPaymentInput): Promise<RecordedPayment & { checkout: MpesaCheckout }> {
    const [checkout] = await tx<MpesaCheckout[]>`
      select ${checkoutColumns(tx)} from mpesa_checkouts where checkout_request_id = ${input.checkoutRequestId} for update`;
    if (!checkout) throw new Error(`no STK checkout ${input.checkoutRequestId}`);

    if (checkout.paymentId) {
      if (input.receipt && !checkout.receipt) {
        await tx`update payments set external_ref = ${input.receipt}
          where id = ${checkout.paymentId} and upper(external_ref) = upper(${input.checkoutRequestId})`;
        await tx`update mpesa_checkouts set receipt = ${input.receipt}, updated_at = now() where id = ${checkout.id}`;
      }
      return { paymentId: checkout.paymentId, tenantId: checkout.tenantId, customerId: checkout.customerId, amountCents: checkout.amountCents, created: false, checkout };
    }

    const recorded = await recordPayment(tx, {
      tenantId: checkout.tenantId,
      customerId: checkout.customerId,
      method: 'mpesa_stk',
      amountCents: input.amountCents ?? checkout.amountCents,
      externalRef: input.receipt ?? input.checkoutRequestId,
      payerPhone: input.phone ?? checkout.phone,
      receivedAt: input.transactionTime ?? new Date(),
      notes: input.receipt ? null : `Confirmed by STK Query; receipt not received (checkout ${input.checkoutRequestId})`,
    });
    await tx`update mpesa_checkouts set status = 'paid', result_code = 0, result_desc = coalesce(result_desc, 'Paid'),
        receipt = ${input.receipt}, payment_id = ${recorded.paymentId}, settled_at = now(), updated_at = now()
      where id = ${checkout.id}`;
    return { ...recorded, checkout: { ...checkout, status: 'paid', paymentId: recorded.paymentId, receipt: input.receipt } };
  },
};
