import type { Tx } from './client';
import { encryptSecret } from './encryption';
import { billing } from './queries/billing';
import { customers } from './queries/customers';
import { recordPayment } from './queries/payments';

/** The two client-portal demo customers (issue 9): they sign in with their phone and the demo password. */
export const PORTAL_DEMO_PHONES = ['254711000111', '254711000222'] as const;

const DAY = 86_400_000;

/**
 * Two active PPPoE customers with a portal password, invoices and M-Pesa payments: Amina (English, paid up)
 * and Baraka (Swahili, expiring in two days with this month's invoice open). Added beside the 50 mixed
 * customers, which other tests count on.
 */
export async function seedPortalDemo(tx: Tx, p: { tenantId: string; packageIds: string[]; routerId: string; passwordHash: string; encryptionKey: Buffer }): Promise<void> {
  const people = [
    { first: 'Amina', last: 'Otieno', phone: PORTAL_DEMO_PHONES[0], language: 'en' as const, pkg: p.packageIds[1]!, price: 250_000, expiresInDays: 18, payCurrent: true },
    { first: 'Baraka', last: 'Mwangi', phone: PORTAL_DEMO_PHONES[1], language: 'sw' as const, pkg: p.packageIds[0]!, price: 150_000, expiresInDays: 2, payCurrent: false },
  ];
  for (const [n, who] of people.entries()) {
    const c = await customers.create(tx, p.tenantId, {
      firstName: who.first, lastName: who.last, phone: who.phone, email: null, nationalId: String(30_111_000 + n), kraPin: null,
      address: n === 0 ? 'Kahawa West, near the Shell station' : 'Roysambu, TRM Drive', latitude: -1.19 - n / 100, longitude: 36.89 + n / 100,
      status: 'active', notes: 'Client portal demo customer', language: who.language,
    });
    const now = Date.now();
    const expires = new Date(now + who.expiresInDays * DAY);
    const start = new Date(expires.getTime() - 30 * DAY);
    await tx`
      insert into subscriptions (tenant_id, customer_id, package_id, router_id, service_username, service_password_enc, status,
        current_period_start, current_period_end, expires_at)
      values (${p.tenantId}, ${c.id}, ${who.pkg}, ${p.routerId}, ${`portal00${n + 1}`}, ${encryptSecret(`portal-${n + 1}-demo`, p.encryptionKey)},
        'active', ${start}, ${expires}, ${expires})`;
    // Three monthly invoices, oldest first; each paid by M-Pesa except Baraka's current one.
    for (let m = 2; m >= 0; m--) {
      const issuedAt = new Date(start.getTime() - m * 30 * DAY);
      await billing.issueInvoice(tx, {
        tenantId: p.tenantId, customerId: c.id, key: `seed:portal:${c.accountNumber}:${m}`, kind: 'service', totalCents: who.price,
        description: `Internet ${who.price === 250_000 ? 'Home 10 Mbps' : 'Home 5 Mbps'}, 1 month`, issuedAt, dueAt: new Date(issuedAt.getTime() + 7 * DAY),
        periodStart: issuedAt, periodEnd: new Date(issuedAt.getTime() + 30 * DAY), packageId: who.pkg,
      });
      if (m === 0 && !who.payCurrent) continue;
      await recordPayment(tx, {
        tenantId: p.tenantId, customerId: c.id, method: 'mpesa_c2b', amountCents: who.price, externalRef: `SPD${n + 1}${m}X4K7Q`,
        payerPhone: who.phone, payerName: `${who.first} ${who.last}`, receivedAt: new Date(issuedAt.getTime() + 2 * 3_600_000),
      });
    }
    await tx`insert into customer_logins (tenant_id, customer_id, password_hash) values (${p.tenantId}, ${c.id}, ${p.passwordHash})`;
  }
}
