import type { Tx } from '../client';

export interface PaymentRow {
  id: string;
  method: 'mpesa_stk' | 'mpesa_c2b' | 'cash' | 'bank' | 'cheque' | 'voucher' | 'wallet';
  amountCents: number;
  externalRef: string | null;
  payerPhone: string | null;
  receivedAt: Date;
}

export const payments = {
  async recentForCustomer(tx: Tx, tenantId: string, customerId: string, limit = 10): Promise<PaymentRow[]> {
    return tx<PaymentRow[]>`
      select id, method, amount_cents as "amountCents", external_ref as "externalRef", payer_phone as "payerPhone",
        received_at as "receivedAt"
      from payments where tenant_id = ${tenantId} and customer_id = ${customerId}
      order by received_at desc, id limit ${limit}`;
  },
};

export type PaymentMethod = PaymentRow['method'];

export interface NewPayment {
  tenantId: string;
  /** Null parks the payment in suspense (a C2B account number that matches no customer): no wallet credit. */
  customerId: string | null;
  method: PaymentMethod;
  amountCents: number;
  /** M-Pesa receipt, bank/cheque reference; unique per method (M-Pesa receipts: globally). */
  externalRef: string | null;
  payerPhone?: string | null;
  payerName?: string | null;
  receivedAt: Date;
  recordedBy?: string | null;
  notes?: string | null;
  /** Ledger line text; default names the method and reference. */
  description?: string;
}

export interface RecordedPayment {
  paymentId: string;
  tenantId: string;
  customerId: string | null;
  amountCents: number;
  /** False when the reference was already recorded: nothing was written, the first payment is returned. */
  created: boolean;
}

const MPESA_METHODS: readonly PaymentMethod[] = ['mpesa_stk', 'mpesa_c2b'];

const METHOD_LABEL: Record<PaymentMethod, string> = {
  mpesa_stk: 'M-Pesa', mpesa_c2b: 'M-Pesa paybill', cash: 'Cash', bank: 'Bank', cheque: 'Cheque', voucher: 'Voucher', wallet: 'Wallet',
};

/**
 * Records a payment exactly once: the insert rides on the unique receipt/reference indexes (ON CONFLICT DO
 * NOTHING), so a second call with the same reference returns the first payment and writes nothing — no
 * second ledger credit, no second allocation. A new payment for a known customer gets one ledger credit and
 * is allocated to that customer's oldest open invoices (fully paid invoices become `paid`).
 * Call inside a transaction so the payment, credit and allocations commit together.
 */
export async function recordPayment(tx: Tx, p: NewPayment): Promise<RecordedPayment> {
  const mpesa = MPESA_METHODS.includes(p.method);
  const values = tx`(${p.tenantId}, ${p.customerId}, ${p.method}, ${p.amountCents}, ${p.externalRef}, ${p.payerPhone ?? null},
    ${p.payerName ?? null}, ${p.receivedAt}, ${p.recordedBy ?? null}, ${p.notes ?? null})`;
  const conflict = mpesa
    ? tx`on conflict (upper(external_ref)) where method in ('mpesa_stk', 'mpesa_c2b') do nothing`
    : p.externalRef
      ? tx`on conflict (tenant_id, method, external_ref) where method not in ('mpesa_stk', 'mpesa_c2b') and external_ref is not null do nothing`
      : tx``;
  const [inserted] = await tx<{ id: string }[]>`
    insert into payments (tenant_id, customer_id, method, amount_cents, external_ref, payer_phone, payer_name, received_at, recorded_by, notes)
    values ${values} ${conflict} returning id`;

  if (!inserted) {
    const [existing] = mpesa
      ? await tx<{ id: string; tenantId: string; customerId: string | null; amountCents: number }[]>`
          select id, tenant_id as "tenantId", customer_id as "customerId", amount_cents as "amountCents" from payments
          where upper(external_ref) = upper(${p.externalRef}) and method in ('mpesa_stk', 'mpesa_c2b')`
      : await tx<{ id: string; tenantId: string; customerId: string | null; amountCents: number }[]>`
          select id, tenant_id as "tenantId", customer_id as "customerId", amount_cents as "amountCents" from payments
          where tenant_id = ${p.tenantId} and method = ${p.method} and external_ref = ${p.externalRef}`;
    if (!existing) throw new Error(`payment ${p.method} ${p.externalRef} conflicted but cannot be found`);
    return { paymentId: existing.id, tenantId: existing.tenantId, customerId: existing.customerId, amountCents: existing.amountCents, created: false };
  }

  // Numbered only once the insert won, so a duplicate never burns a number of the gap-free series.
  await tx`
    with n as (
      insert into tenant_counters (tenant_id, kind, last) values (${p.tenantId}, 'receipt', 1)
      on conflict (tenant_id, kind) do update set last = tenant_counters.last + 1 returning last)
    update payments set receipt_number = 'RCT' || lpad((select last from n)::text, 6, '0') where id = ${inserted.id}`;
  if (p.customerId) await creditCustomer(tx, { ...p, customerId: p.customerId }, inserted.id);
  return { paymentId: inserted.id, tenantId: p.tenantId, customerId: p.customerId, amountCents: p.amountCents, created: true };
}

/** One ledger credit for the payment, then allocation to the oldest open invoices. */
async function creditCustomer(tx: Tx, p: NewPayment & { customerId: string }, paymentId: string): Promise<void> {
  const description = p.description ?? `${METHOD_LABEL[p.method]} payment${p.externalRef ? ` ${p.externalRef}` : ''}`;
  await tx`
    insert into ledger_entries (tenant_id, customer_id, kind, amount_cents, payment_id, description, created_by)
    values (${p.tenantId}, ${p.customerId}, 'payment', ${p.amountCents}, ${paymentId}, ${description}, ${p.recordedBy ?? null})
    on conflict (payment_id) where kind = 'payment' do nothing`;

  const open = await tx<{ id: string; outstanding: number }[]>`
    select i.id, (i.total_cents - coalesce((select sum(a.amount_cents) from payment_allocations a where a.invoice_id = i.id), 0))::bigint as outstanding
    from invoices i where i.tenant_id = ${p.tenantId} and i.customer_id = ${p.customerId} and i.status = 'open'
    order by i.due_at, i.issued_at, i.id for update`;
  let left = p.amountCents;
  for (const invoice of open) {
    if (left <= 0) break;
    if (invoice.outstanding <= 0) continue;
    const amount = Math.min(left, invoice.outstanding);
    await tx`insert into payment_allocations (tenant_id, payment_id, invoice_id, amount_cents) values (${p.tenantId}, ${paymentId}, ${invoice.id}, ${amount})`;
    left -= amount;
    if (amount === invoice.outstanding) await tx`update invoices set status = 'paid', paid_at = now() where id = ${invoice.id}`;
  }
}

export const PAYMENT_METHODS: readonly PaymentMethod[] = ['mpesa_stk', 'mpesa_c2b', 'cash', 'bank', 'cheque', 'voucher', 'wallet'];

export interface PaymentListRow extends PaymentRow {
  /** RCT000123: the ISP's gap-free receipt series (null only for payments older than the series). */
  receiptNumber: string | null;
  customerId: string | null;
  accountNumber: string | null;
  customerName: string | null;
  payerName: string | null;
  recordedByName: string | null;
  reversedAt: Date | null;
}

/** normal: credited to a customer and not reversed; reversed; suspense: matched no customer, not reversed. */
export type PaymentStatusFilter = 'normal' | 'reversed' | 'suspense';
export const PAYMENT_STATUS_FILTERS: readonly PaymentStatusFilter[] = ['normal', 'reversed', 'suspense'];

/**
 * The back-office payment list; resellers see only their own customers' payments (never suspense).
 * `receivedFrom` is inclusive, `receivedBefore` exclusive (UTC instants; the page converts Nairobi dates).
 */
export async function listPayments(
  tx: Tx,
  scope: { tenantId: string; resellerId?: string | null },
  f: { method?: PaymentMethod; suspense?: boolean; status?: PaymentStatusFilter; receivedFrom?: Date; receivedBefore?: Date; limit: number; offset: number },
): Promise<{ rows: PaymentListRow[]; total: number }> {
  const where = tx`p.tenant_id = ${scope.tenantId}
    ${scope.resellerId ? tx`and c.reseller_id = ${scope.resellerId}` : tx``}
    ${f.method ? tx`and p.method = ${f.method}` : tx``}
    ${f.suspense ? tx`and p.customer_id is null` : tx``}
    ${f.status === 'normal' ? tx`and p.customer_id is not null and p.reversed_at is null` : tx``}
    ${f.status === 'reversed' ? tx`and p.reversed_at is not null` : tx``}
    ${f.status === 'suspense' ? tx`and p.customer_id is null and p.reversed_at is null` : tx``}
    ${f.receivedFrom ? tx`and p.received_at >= ${f.receivedFrom}` : tx``}
    ${f.receivedBefore ? tx`and p.received_at < ${f.receivedBefore}` : tx``}`;
  const rows = await tx<PaymentListRow[]>`
    select p.id, p.method, p.amount_cents as "amountCents", p.external_ref as "externalRef", p.payer_phone as "payerPhone",
      p.received_at as "receivedAt", p.receipt_number as "receiptNumber", p.customer_id as "customerId", c.account_number as "accountNumber",
      c.first_name || ' ' || c.last_name as "customerName", p.payer_name as "payerName", s.name as "recordedByName", p.reversed_at as "reversedAt"
    from payments p left join customers c on c.id = p.customer_id left join staff s on s.id = p.recorded_by
    where ${where} order by p.received_at desc, p.id limit ${f.limit} offset ${f.offset}`;
  const [count] = await tx<{ n: number }[]>`
    select count(*)::int as n from payments p left join customers c on c.id = p.customer_id where ${where}`;
  return { rows, total: count!.n };
}

export interface PaymentDetail extends PaymentListRow {
  tenantId: string;
  notes: string | null;
  createdAt: Date;
  resellerId: string | null;
  reversedAt: Date | null;
  reversalReason: string | null;
  reversedByName: string | null;
  allocations: { invoiceId: string; number: string; amountCents: number }[];
}

export async function paymentDetail(tx: Tx, tenantId: string, id: string): Promise<PaymentDetail | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const [row] = await tx<Omit<PaymentDetail, 'allocations'>[]>`
    select p.id, p.tenant_id as "tenantId", p.method, p.amount_cents as "amountCents", p.external_ref as "externalRef",
      p.payer_phone as "payerPhone", p.received_at as "receivedAt", p.receipt_number as "receiptNumber", p.customer_id as "customerId", c.account_number as "accountNumber",
      c.first_name || ' ' || c.last_name as "customerName", p.payer_name as "payerName", s.name as "recordedByName", p.notes,
      p.created_at as "createdAt", c.reseller_id as "resellerId", p.reversed_at as "reversedAt", p.reversal_reason as "reversalReason",
      rs.name as "reversedByName"
    from payments p left join customers c on c.id = p.customer_id left join staff s on s.id = p.recorded_by
      left join staff rs on rs.id = p.reversed_by
    where p.tenant_id = ${tenantId} and p.id = ${id}`;
  if (!row) return undefined;
  const allocations = await tx<PaymentDetail['allocations']>`
    select a.invoice_id as "invoiceId", i.number, a.amount_cents as "amountCents"
    from payment_allocations a join invoices i on i.id = a.invoice_id where a.payment_id = ${id} order by i.due_at`;
  return { ...row, allocations };
}

/**
 * Gives a suspense payment (no customer) to a customer: one ledger credit and invoice allocation, as if it
 * had matched on arrival. False when the payment is not (or no longer) in suspense.
 */
export async function allocateSuspensePayment(tx: Tx, p: { tenantId: string; paymentId: string; customerId: string; staffId: string | null }): Promise<boolean> {
  const [payment] = await tx<{ method: PaymentMethod; amountCents: number; externalRef: string | null }[]>`
    select method, amount_cents as "amountCents", external_ref as "externalRef" from payments
    where tenant_id = ${p.tenantId} and id = ${p.paymentId} and customer_id is null for update`;
  if (!payment) return false;
  await tx`update payments set customer_id = ${p.customerId} where id = ${p.paymentId}`;
  await creditCustomer(
    tx,
    { tenantId: p.tenantId, customerId: p.customerId, method: payment.method, amountCents: payment.amountCents, externalRef: payment.externalRef, receivedAt: new Date(), recordedBy: p.staffId },
    p.paymentId,
  );
  return true;
}

/**
 * Reverses a payment once: marks it (who, when, why), adds one negative `reversal` ledger line for its
 * customer, and takes back its invoice allocations (paid invoices it settled reopen). False when the
 * payment is unknown or already reversed.
 */
export async function reversePayment(tx: Tx, p: { tenantId: string; paymentId: string; staffId: string | null; reason: string }): Promise<boolean> {
  const [payment] = await tx<{ customerId: string | null; amountCents: number; externalRef: string | null; method: PaymentMethod }[]>`
    update payments set reversed_at = now(), reversed_by = ${p.staffId}, reversal_reason = ${p.reason}
    where tenant_id = ${p.tenantId} and id = ${p.paymentId} and reversed_at is null
    returning customer_id as "customerId", amount_cents as "amountCents", external_ref as "externalRef", method`;
  if (!payment) return false;
  if (payment.customerId) {
    await tx`
      insert into ledger_entries (tenant_id, customer_id, kind, amount_cents, payment_id, description, created_by)
      values (${p.tenantId}, ${payment.customerId}, 'reversal', ${-payment.amountCents}, ${p.paymentId},
        ${`Reversal of ${METHOD_LABEL[payment.method]} payment${payment.externalRef ? ` ${payment.externalRef}` : ''}: ${p.reason}`.slice(0, 500)}, ${p.staffId})`;
  }
  const released = await tx<{ invoiceId: string }[]>`
    delete from payment_allocations where payment_id = ${p.paymentId} returning invoice_id as "invoiceId"`;
  for (const { invoiceId } of released) {
    await tx`update invoices set status = 'open', paid_at = null where id = ${invoiceId} and status = 'paid'`;
  }
  return true;
}
