import type { Tx } from '../client';
import { isUuid } from './customers';

/**
 * The client portal's queries. Every read of a customer's data takes both the tenant and the customer from
 * the signed-in session, so one customer's ids never reach another's rows.
 */

export interface PortalIdentity {
  tenantId: string;
  tenantSlug: string;
  customerId: string;
  accountNumber: string;
  phone: string;
  firstName: string;
  passwordHash: string | null;
  sessionVersion: number;
  lockedUntil: Date | null;
  failedLogins: number;
}

export interface PortalOtp {
  id: string;
  tenantId: string;
  customerId: string;
  purpose: 'signup' | 'reset' | 'link';
  codeHash: string;
  expiresAt: Date;
  attempts: number;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export interface PortalInvoice {
  id: string;
  number: string;
  kind: string;
  status: 'open' | 'paid' | 'void' | 'draft';
  subtotalCents: number;
  vatCents: number;
  totalCents: number;
  vatRateBp: number;
  paidCents: number;
  issuedAt: Date;
  dueAt: Date;
  periodStart: Date | null;
  periodEnd: Date | null;
}

export interface PortalPayment {
  id: string;
  method: string;
  amountCents: number;
  externalRef: string | null;
  receiptNumber: string | null;
  payerPhone: string | null;
  receivedAt: Date;
  reversed: boolean;
}

const identityColumns = (tx: Tx) => tx`
  c.tenant_id as "tenantId", t.slug as "tenantSlug", c.id as "customerId", c.account_number as "accountNumber", c.phone,
  c.first_name as "firstName", l.password_hash as "passwordHash", coalesce(l.session_version, 1) as "sessionVersion",
  l.locked_until as "lockedUntil", coalesce(l.failed_logins, 0) as "failedLogins"`;

const invoiceColumns = (tx: Tx) => tx`
  i.id, i.number, i.kind, i.status, i.subtotal_cents as "subtotalCents", i.vat_cents as "vatCents", i.total_cents as "totalCents",
  i.vat_rate_bp as "vatRateBp", coalesce((select sum(a.amount_cents) from payment_allocations a where a.invoice_id = i.id), 0)::bigint as "paidCents",
  i.issued_at as "issuedAt", i.due_at as "dueAt", i.period_start as "periodStart", i.period_end as "periodEnd"`;

const paymentColumns = (tx: Tx) => tx`
  p.id, p.method, p.amount_cents as "amountCents", p.external_ref as "externalRef", p.receipt_number as "receiptNumber",
  p.payer_phone as "payerPhone", p.received_at as "receivedAt", (p.reversed_at is not null) as reversed`;

export const portal = {
  /**
   * Customers of active ISPs reachable by this phone or account number. Phones repeat across ISPs (and a
   * family may share one), so the caller tries the password against each and never says which matched.
   */
  async candidates(tx: Tx, p: { phone: string | null; accountNumber: string | null }): Promise<PortalIdentity[]> {
    return tx<PortalIdentity[]>`
      select ${identityColumns(tx)}
      from customers c join tenants t on t.id = c.tenant_id and t.status = 'active'
      left join customer_logins l on l.customer_id = c.id
      where c.status <> 'terminated'
        and (${p.phone !== null ? tx`c.phone = ${p.phone}` : tx`false`} or ${p.accountNumber !== null ? tx`c.account_number = ${p.accountNumber}` : tx`false`})
      order by c.created_at limit 20`;
  },

  async identity(tx: Tx, tenantId: string, customerId: string): Promise<PortalIdentity | undefined> {
    const [row] = await tx<PortalIdentity[]>`
      select ${identityColumns(tx)}
      from customers c join tenants t on t.id = c.tenant_id left join customer_logins l on l.customer_id = c.id
      where c.tenant_id = ${tenantId} and c.id = ${customerId}`;
    return row;
  },

  /** Sets the password and bumps the session version, so every other device is signed out. */
  async setPassword(tx: Tx, tenantId: string, customerId: string, passwordHash: string): Promise<number> {
    const [row] = await tx<{ version: number }[]>`
      insert into customer_logins (tenant_id, customer_id, password_hash) values (${tenantId}, ${customerId}, ${passwordHash})
      on conflict (customer_id) do update set password_hash = excluded.password_hash, session_version = customer_logins.session_version + 1,
        failed_logins = 0, locked_until = null, updated_at = now()
      returning session_version as version`;
    return row!.version;
  },

  async recordFailure(tx: Tx, customerId: string, lockAfter: number, lockMinutes: number): Promise<{ failedLogins: number; lockedUntil: Date | null }> {
    const [row] = await tx<{ failedLogins: number; lockedUntil: Date | null }[]>`
      update customer_logins set failed_logins = failed_logins + 1,
        locked_until = case when failed_logins + 1 >= ${lockAfter} then now() + make_interval(mins => ${lockMinutes}) else locked_until end
      where customer_id = ${customerId}
      returning failed_logins as "failedLogins", locked_until as "lockedUntil"`;
    return row ?? { failedLogins: 0, lockedUntil: null };
  },

  async recordSuccess(tx: Tx, customerId: string): Promise<void> {
    await tx`update customer_logins set failed_logins = 0, locked_until = null, last_login_at = now() where customer_id = ${customerId}`;
  },

  /** Codes issued in the window, per customer and per address: the sending rate limits. */
  async recentOtps(tx: Tx, p: { customerId: string; clientIp: string; minutes: number }): Promise<{ byCustomer: number; byIp: number }> {
    const [row] = await tx<{ byCustomer: number; byIp: number }[]>`
      select count(*) filter (where customer_id = ${p.customerId})::int as "byCustomer",
             count(*) filter (where client_ip = ${p.clientIp}::inet)::int as "byIp"
      from customer_otps where created_at > now() - make_interval(mins => ${p.minutes}) and purpose <> 'link'`;
    return row!;
  },

  /** A new code revokes the customer's earlier unused ones of the same purpose: only the latest SMS works. */
  async issueOtp(tx: Tx, p: { id: string; tenantId: string; customerId: string; purpose: PortalOtp['purpose']; codeHash: string; minutes: number; clientIp: string | null }): Promise<void> {
    await tx`update customer_otps set revoked_at = now()
      where tenant_id = ${p.tenantId} and customer_id = ${p.customerId} and (purpose = 'link') = ${p.purpose === 'link'} and used_at is null and revoked_at is null`;
    await tx`
      insert into customer_otps (id, tenant_id, customer_id, purpose, code_hash, expires_at, client_ip)
      values (${p.id}, ${p.tenantId}, ${p.customerId}, ${p.purpose}, ${p.codeHash}, now() + make_interval(mins => ${p.minutes}), ${p.clientIp}::inet)`;
  },

  /** The customer's latest code (sign-up or reset; links are separate), locked for the attempt. */
  async currentOtp(tx: Tx, tenantId: string, customerId: string): Promise<PortalOtp | undefined> {
    const [row] = await tx<PortalOtp[]>`
      select id, tenant_id as "tenantId", customer_id as "customerId", purpose, code_hash as "codeHash", expires_at as "expiresAt",
        attempts, used_at as "usedAt", revoked_at as "revokedAt"
      from customer_otps where tenant_id = ${tenantId} and customer_id = ${customerId} and purpose <> 'link'
      order by created_at desc limit 1 for update`;
    return row;
  },

  async otpByHash(tx: Tx, codeHash: string): Promise<PortalOtp | undefined> {
    const [row] = await tx<PortalOtp[]>`
      select id, tenant_id as "tenantId", customer_id as "customerId", purpose, code_hash as "codeHash", expires_at as "expiresAt",
        attempts, used_at as "usedAt", revoked_at as "revokedAt"
      from customer_otps where code_hash = ${codeHash} for update`;
    return row;
  },

  async otpAttempt(tx: Tx, id: string): Promise<number> {
    const [row] = await tx<{ attempts: number }[]>`update customer_otps set attempts = attempts + 1 where id = ${id} returning attempts`;
    return row!.attempts;
  },

  async useOtp(tx: Tx, id: string): Promise<void> {
    await tx`update customer_otps set used_at = now() where id = ${id}`;
  },

  async invoices(tx: Tx, tenantId: string, customerId: string, limit = 50): Promise<PortalInvoice[]> {
    return tx<PortalInvoice[]>`
      select ${invoiceColumns(tx)} from invoices i
      where i.tenant_id = ${tenantId} and i.customer_id = ${customerId} and i.status in ('open', 'paid')
      order by i.issued_at desc, i.number desc limit ${limit}`;
  },

  async invoice(tx: Tx, tenantId: string, customerId: string, id: string): Promise<(PortalInvoice & { lines: { description: string; quantity: number; amountCents: number }[]; payments: PortalPayment[] }) | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await tx<PortalInvoice[]>`
      select ${invoiceColumns(tx)} from invoices i
      where i.tenant_id = ${tenantId} and i.customer_id = ${customerId} and i.id = ${id} and i.status in ('open', 'paid')`;
    if (!row) return undefined;
    const lines = await tx<{ description: string; quantity: number; amountCents: number }[]>`
      select description, quantity::int as quantity, amount_cents as "amountCents" from invoice_lines where tenant_id = ${tenantId} and invoice_id = ${id} order by id`;
    const payments = await tx<PortalPayment[]>`
      select ${paymentColumns(tx)} from payments p join payment_allocations a on a.payment_id = p.id
      where a.tenant_id = ${tenantId} and a.invoice_id = ${id} and p.customer_id = ${customerId} order by p.received_at`;
    return { ...row, lines, payments };
  },

  async payments(tx: Tx, tenantId: string, customerId: string, limit = 50): Promise<PortalPayment[]> {
    return tx<PortalPayment[]>`
      select ${paymentColumns(tx)} from payments p where p.tenant_id = ${tenantId} and p.customer_id = ${customerId}
      order by p.received_at desc limit ${limit}`;
  },

  async payment(tx: Tx, tenantId: string, customerId: string, id: string): Promise<(PortalPayment & { invoices: { number: string; amountCents: number }[] }) | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await tx<PortalPayment[]>`
      select ${paymentColumns(tx)} from payments p where p.tenant_id = ${tenantId} and p.customer_id = ${customerId} and p.id = ${id}`;
    if (!row) return undefined;
    const invoices = await tx<{ number: string; amountCents: number }[]>`
      select i.number, a.amount_cents as "amountCents" from payment_allocations a join invoices i on i.id = a.invoice_id
      where a.tenant_id = ${tenantId} and a.payment_id = ${id} order by i.issued_at`;
    return { ...row, invoices };
  },

  async startPayment(tx: Tx, p: { id: string; tenantId: string; customerId: string; workflowId: string; phone: string; amountCents: number }): Promise<void> {
    await tx`insert into portal_payments (id, tenant_id, customer_id, workflow_id, phone, amount_cents)
      values (${p.id}, ${p.tenantId}, ${p.customerId}, ${p.workflowId}, ${p.phone}, ${p.amountCents})`;
  },

  async recentPayments(tx: Tx, tenantId: string, customerId: string, minutes: number): Promise<number> {
    const [row] = await tx<{ n: number }[]>`
      select count(*)::int as n from portal_payments
      where tenant_id = ${tenantId} and customer_id = ${customerId} and created_at > now() - make_interval(mins => ${minutes})`;
    return row!.n;
  },

  async portalPayment(tx: Tx, tenantId: string, customerId: string, id: string): Promise<{ id: string; workflowId: string; amountCents: number; phone: string; createdAt: Date } | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await tx<{ id: string; workflowId: string; amountCents: number; phone: string; createdAt: Date }[]>`
      select id, workflow_id as "workflowId", amount_cents as "amountCents", phone, created_at as "createdAt"
      from portal_payments where tenant_id = ${tenantId} and customer_id = ${customerId} and id = ${id}`;
    return row;
  },

  /** The live subscription (package, speed, expiry, cap) as the database projection has it. */
  async subscription(tx: Tx, tenantId: string, customerId: string) {
    const [row] = await tx<{
      id: string; status: string; packageId: string; packageName: string; downloadKbps: number; uploadKbps: number; dataCapBytes: number | null;
      priceCents: number; periodStart: Date | null; periodEnd: Date | null; expiresAt: Date | null; serviceUsername: string;
    }[]>`
      select s.id, s.status, s.package_id as "packageId", p.name as "packageName", p.download_kbps as "downloadKbps", p.upload_kbps as "uploadKbps",
        p.data_cap_bytes as "dataCapBytes", p.price_cents as "priceCents", s.current_period_start as "periodStart", s.current_period_end as "periodEnd",
        s.expires_at as "expiresAt", s.service_username as "serviceUsername"
      from subscriptions s join packages p on p.id = s.package_id
      where s.tenant_id = ${tenantId} and s.customer_id = ${customerId} and s.status <> 'cancelled'
      order by s.created_at desc limit 1`;
    return row;
  },

  /** The subscription's live PPPoE session as the usage collector last sampled it (none when offline). */
  async liveSession(tx: Tx, tenantId: string, serviceUsername: string): Promise<{ uptimeSeconds: number | null; uploadBytes: number; downloadBytes: number; sampledAt: Date } | undefined> {
    const [row] = await tx<{ uptimeSeconds: number | null; uploadBytes: number; downloadBytes: number; sampledAt: Date }[]>`
      select uptime_seconds as "uptimeSeconds", upload_bytes as "uploadBytes", download_bytes as "downloadBytes", sampled_at as "sampledAt"
      from usage_samples where tenant_id = ${tenantId} and service = 'pppoe' and username = ${serviceUsername}
      order by sampled_at desc limit 1`;
    return row;
  },

  async addSupportRequest(tx: Tx, p: { tenantId: string; customerId: string; category: string; message: string }): Promise<string> {
    const [row] = await tx<{ id: string }[]>`
      insert into support_requests (tenant_id, customer_id, category, message) values (${p.tenantId}, ${p.customerId}, ${p.category}, ${p.message})
      returning id`;
    return row!.id;
  },

  async supportRequests(tx: Tx, tenantId: string, customerId?: string) {
    return tx<{ id: string; customerId: string; accountNumber: string; name: string; phone: string; category: string; message: string; status: string; createdAt: Date }[]>`
      select r.id, r.customer_id as "customerId", c.account_number as "accountNumber", c.first_name || ' ' || c.last_name as name, c.phone,
        r.category, r.message, r.status, r.created_at as "createdAt"
      from support_requests r join customers c on c.tenant_id = r.tenant_id and c.id = r.customer_id
      where r.tenant_id = ${tenantId} ${customerId ? tx`and r.customer_id = ${customerId}` : tx``}
      order by (r.status = 'open') desc, r.created_at desc limit 200`;
  },

  async closeSupportRequest(tx: Tx, tenantId: string, id: string, staffId: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const rows = await tx`update support_requests set status = 'closed', closed_at = now(), closed_by = ${staffId}
      where tenant_id = ${tenantId} and id = ${id} and status = 'open' returning id`;
    return rows.length > 0;
  },
};
