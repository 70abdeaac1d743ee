import type { Tx } from '../client';
import { splitVat } from '../../domain/money';
import { addValidity, type Validity } from '../../domain/periods';
import { tenants } from './tenants';

export type InvoiceKind = 'service' | 'late_fee' | 'proration' | 'final';

export interface OpenInvoice {
  id: string;
  number: string;
  kind: InvoiceKind;
  totalCents: number;
  outstandingCents: number;
  dueAt: Date;
}

export interface AccountStatus {
  /** Wallet: payments and credits minus charges (ledger_entries). Positive is money the customer has with us. */
  balanceCents: number;
  openInvoices: OpenInvoice[];
}

export interface IssueInvoiceInput {
  tenantId: string;
  customerId: string;
  /** One invoice per key, ever: a retried workflow step finds the invoice it already issued. */
  key: string;
  kind: InvoiceKind;
  totalCents: number;
  description: string;
  issuedAt: Date;
  dueAt: Date;
  periodStart?: Date | null;
  periodEnd?: Date | null;
  packageId?: string | null;
}

export interface IssuedInvoice extends OpenInvoice {
  status: 'open' | 'paid';
  created: boolean;
}

export const billing = {
  async accountStatus(tx: Tx, tenantId: string, customerId: string): Promise<AccountStatus> {
    const [balance] = await tx<{ cents: number }[]>`
      select coalesce(sum(amount_cents), 0)::bigint as cents from ledger_entries where tenant_id = ${tenantId} and customer_id = ${customerId}`;
    const openInvoices = await tx<OpenInvoice[]>`
      select i.id, i.number, i.kind, i.total_cents as "totalCents", i.due_at as "dueAt",
        (i.total_cents - coalesce((select sum(a.amount_cents) from payment_allocations a where a.invoice_id = i.id), 0))::bigint as "outstandingCents"
      from invoices i where i.tenant_id = ${tenantId} and i.customer_id = ${customerId} and i.status = 'open'
      order by i.due_at, i.issued_at, i.id`;
    return { balanceCents: balance!.cents, openInvoices };
  },

  /**
   * Issues an invoice once per key (VAT split from the tenant's rate, one ledger charge) and pays what it
   * can from credit already on the account. A second call with the key returns the first invoice as it is now.
   */
  async issueInvoice(tx: Tx, p: IssueInvoiceInput): Promise<IssuedInvoice> {
    const existing = await invoiceByKey(tx, p.key);
    if (existing) return { ...existing, created: false };
    const [tenant] = await tx<{ vatRateBp: number; prefix: string }[]>`
      select vat_rate_bp as "vatRateBp", invoice_prefix as prefix from tenants where id = ${p.tenantId}`;
    if (!tenant) throw new Error(`tenant ${p.tenantId} not found`);
    const vat = splitVat(p.totalCents, tenant.vatRateBp);
    const number = `${tenant.prefix}${String(await tenants.nextNumber(tx, p.tenantId, 'invoice')).padStart(6, '0')}`;
    const [invoice] = await tx<{ id: string }[]>`
      insert into invoices (tenant_id, customer_id, number, status, vat_rate_bp, subtotal_cents, vat_cents, total_cents,
        period_start, period_end, issued_at, due_at, idempotency_key, kind)
      values (${p.tenantId}, ${p.customerId}, ${number}, 'open', ${tenant.vatRateBp}, ${vat.subtotalCents}, ${vat.vatCents}, ${vat.totalCents},
        ${p.periodStart ?? null}, ${p.periodEnd ?? null}, ${p.issuedAt}, ${p.dueAt}, ${p.key}, ${p.kind})
      returning id`;
    await tx`
      insert into invoice_lines (tenant_id, invoice_id, description, quantity, unit_price_cents, amount_cents, package_id)
      values (${p.tenantId}, ${invoice!.id}, ${p.description.slice(0, 200)}, 1, ${p.totalCents}, ${p.totalCents}, ${p.packageId ?? null})`;
    await tx`
      insert into ledger_entries (tenant_id, customer_id, kind, amount_cents, invoice_id, description)
      values (${p.tenantId}, ${p.customerId}, 'invoice', ${-p.totalCents}, ${invoice!.id}, ${`Invoice ${number}: ${p.description}`.slice(0, 500)})`;
    await applyCredit(tx, p.tenantId, p.customerId);
    return { ...(await invoiceByKey(tx, p.key))!, created: true };
  },

  async invoiceByKey(tx: Tx, key: string): Promise<(IssuedInvoice & { periodStart: Date | null; periodEnd: Date | null }) | undefined> {
    const found = await invoiceByKey(tx, key);
    return found && { ...found, created: false };
  },

  /** A credit to the wallet (proration, unused days at termination), once per key. */
  async credit(tx: Tx, p: { tenantId: string; customerId: string; key: string; amountCents: number; description: string }): Promise<boolean> {
    if (p.amountCents <= 0) return false;
    const rows = await tx`
      insert into ledger_entries (tenant_id, customer_id, kind, amount_cents, description, idempotency_key)
      values (${p.tenantId}, ${p.customerId}, 'adjustment', ${p.amountCents}, ${p.description.slice(0, 500)}, ${p.key})
      on conflict (idempotency_key) do nothing returning id`;
    if (rows.length > 0) await applyCredit(tx, p.tenantId, p.customerId);
    return rows.length > 0;
  },

  applyCredit,
};

/**
 * Pays open invoices (oldest due first) from money on the account that no invoice has taken yet: payments'
 * unallocated remainders. Credits that are not payments (adjustments) count through the balance instead:
 * an invoice is also settled when the wallet balance says nothing is owed on it.
 */
async function applyCredit(tx: Tx, tenantId: string, customerId: string): Promise<void> {
  const open = await tx<{ id: string; outstanding: number }[]>`
    select i.id, (i.total_cents - coalesce((select sum(a.amount_cents) from payment_allocations a where a.invoice_id = i.id), 0))::bigint as outstanding
    from invoices i where i.tenant_id = ${tenantId} and i.customer_id = ${customerId} and i.status = 'open'
    order by i.due_at, i.issued_at, i.id for update`;
  if (open.length === 0) return;
  const unallocated = await tx<{ id: string; remaining: number }[]>`
    select p.id, (p.amount_cents - coalesce((select sum(a.amount_cents) from payment_allocations a where a.payment_id = p.id), 0))::bigint as remaining
    from payments p where p.tenant_id = ${tenantId} and p.customer_id = ${customerId} and p.reversed_at is null
    order by p.received_at, p.id`;
  const sources = unallocated.filter((u) => u.remaining > 0);
  for (const invoice of open) {
    let outstanding = invoice.outstanding;
    for (const source of sources) {
      if (outstanding <= 0) break;
      if (source.remaining <= 0) continue;
      const amount = Math.min(outstanding, source.remaining);
      await tx`
        insert into payment_allocations (tenant_id, payment_id, invoice_id, amount_cents) values (${tenantId}, ${source.id}, ${invoice.id}, ${amount})
        on conflict (payment_id, invoice_id) do update set amount_cents = payment_allocations.amount_cents + excluded.amount_cents`;
      source.remaining -= amount;
      outstanding -= amount;
    }
    if (outstanding <= 0) await tx`update invoices set status = 'paid', paid_at = now() where id = ${invoice.id}`;
  }
  // Adjustment credits (not payments) settle the newest invoices the balance covers.
  const [{ balance } = { balance: 0 }] = await tx<{ balance: number }[]>`
    select coalesce(sum(amount_cents), 0)::bigint as balance from ledger_entries where tenant_id = ${tenantId} and customer_id = ${customerId}`;
  if (balance >= 0) {
    await tx`update invoices set status = 'paid', paid_at = now() where tenant_id = ${tenantId} and customer_id = ${customerId} and status = 'open'`;
  }
}

async function invoiceByKey(tx: Tx, key: string) {
  const [row] = await tx<(OpenInvoice & { status: 'open' | 'paid'; periodStart: Date | null; periodEnd: Date | null })[]>`
    select i.id, i.number, i.kind, i.status, i.total_cents as "totalCents", i.due_at as "dueAt",
      i.period_start as "periodStart", i.period_end as "periodEnd",
      greatest(i.total_cents - coalesce((select sum(a.amount_cents) from payment_allocations a where a.invoice_id = i.id), 0), 0)::bigint as "outstandingCents"
    from invoices i where i.idempotency_key = ${key} and i.status <> 'void'`;
  if (!row) return undefined;
  return row.status === 'paid' ? { ...row, outstandingCents: 0 } : row;
}

export interface RenewInput {
  tenantId: string;
  customerId: string;
  /** The cycle's renewal key (workflow id + cycle): one renewal invoice and one extension per cycle. */
  key: string;
  /** The workflow's clock. */
  now: Date;
  packageId: string;
  packageName: string;
  priceCents: number;
  validity: Validity;
  /** Issue the invoice even when the balance does not cover it (at expiry: the customer now owes it). */
  force: boolean;
}

/** Either way the account as it stands afterwards comes back, so the caller needs no second read. */
export type RenewResult =
  | { renewed: true; periodStart: Date; expiresAt: Date; invoiceNumber: string; balanceCents: number; account: AccountStatus }
  | { renewed: false; balanceCents: number; invoice: { id: string; number: string; outstandingCents: number } | null; account: AccountStatus };

/**
 * One prepaid renewal. The period's invoice is issued when the balance covers the package (paying early)
 * or when forced at expiry; once it is paid the subscription is extended exactly once, from the later of
 * now and the current expiry (paying early never loses days; paying late starts the period at payment).
 */
export async function renew(tx: Tx, p: RenewInput): Promise<RenewResult> {
  const [sub] = await tx<{ id: string; expiresAt: Date | null }[]>`
    select id, expires_at as "expiresAt" from subscriptions
    where tenant_id = ${p.tenantId} and customer_id = ${p.customerId} and status <> 'cancelled' for update`;
  if (!sub) throw new Error(`customer ${p.customerId} has no subscription`);
  let invoice = await billing.invoiceByKey(tx, p.key);
  if (!invoice) {
    const account = await billing.accountStatus(tx, p.tenantId, p.customerId);
    if (!p.force && account.balanceCents < p.priceCents) return { renewed: false, balanceCents: account.balanceCents, invoice: null, account };
    await billing.issueInvoice(tx, {
      tenantId: p.tenantId, customerId: p.customerId, key: p.key, kind: 'service', totalCents: p.priceCents,
      description: `${p.packageName} internet`, issuedAt: p.now, dueAt: p.now, packageId: p.packageId,
    });
    invoice = (await billing.invoiceByKey(tx, p.key))!;
  }
  const account = await billing.accountStatus(tx, p.tenantId, p.customerId);
  const { balanceCents } = account;
  if (invoice.status !== 'paid') return { renewed: false, balanceCents, invoice: { id: invoice.id, number: invoice.number, outstandingCents: invoice.outstandingCents }, account };
  if (invoice.periodStart && invoice.periodEnd) {
    return { renewed: true, periodStart: invoice.periodStart, expiresAt: invoice.periodEnd, invoiceNumber: invoice.number, balanceCents, account };
  }
  const periodStart = sub.expiresAt && sub.expiresAt.getTime() > p.now.getTime() ? sub.expiresAt : p.now;
  const expiresAt = addValidity(periodStart, p.validity);
  await tx`update invoices set period_start = ${periodStart}, period_end = ${expiresAt} where id = ${invoice.id}`;
  await tx`
    update subscriptions set package_id = ${p.packageId}, current_period_start = ${periodStart}, current_period_end = ${expiresAt},
      expires_at = ${expiresAt}, updated_at = now()
    where id = ${sub.id}`;
  return { renewed: true, periodStart, expiresAt, invoiceNumber: invoice.number, balanceCents, account };
}
