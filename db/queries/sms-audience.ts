import type { Tx } from '../client';
import type { CustomerScope, CustomerStatus } from './customers';

/**
 * Who a campaign reaches. The subscription filters (package, router, site, expiring) must all hold for
 * one of the customer's subscriptions that is not cancelled, so "10 Mbps at Roysambu" means one line of
 * service, not a 10 Mbps line somewhere and any line at Roysambu.
 */
export interface CampaignAudience {
  statuses: CustomerStatus[];
  packageId?: string | null;
  routerId?: string | null;
  /** `routers.site`: every router at that site. */
  site?: string | null;
  /** A subscription expiring after the campaign's start and at most this many days after it. */
  expiringWithinDays?: number | null;
  /** Only this reseller's customers; a reseller's own campaigns always carry their id. */
  resellerId?: string | null;
}

export interface AudienceCount {
  /** Customers matching the filters. */
  matching: number;
  /** Of those, opted out of marketing: a campaign skips them. */
  optedOut: number;
  /** matching − optedOut: the messages the campaign sends. */
  recipients: number;
}

export interface CampaignRecipient {
  customerId: string;
  phone: string;
  firstName: string;
  accountNumber: string;
  /** Opted out of marketing: a campaign skips them. */
  marketingOptOut: boolean;
}

// The staff scope and the audience's reseller are both applied: a reseller naming another reseller gets nobody.
function audienceWhere(tx: Tx, scope: CustomerScope, a: CampaignAudience, asOf: Date) {
  const bySubscription = Boolean(a.packageId || a.routerId || a.site || a.expiringWithinDays);
  return tx`c.tenant_id = ${scope.tenantId}
    ${scope.resellerId ? tx`and c.reseller_id = ${scope.resellerId}` : tx``}
    ${a.resellerId ? tx`and c.reseller_id = ${a.resellerId}` : tx``}
    and c.status = any(${a.statuses}::text[])
    ${bySubscription ? tx`and exists (
      select 1 from subscriptions s
      ${a.site ? tx`join routers r on r.tenant_id = s.tenant_id and r.id = s.router_id` : tx``}
      where s.tenant_id = c.tenant_id and s.customer_id = c.id and s.status <> 'cancelled'
        ${a.packageId ? tx`and s.package_id = ${a.packageId}` : tx``}
        ${a.routerId ? tx`and s.router_id = ${a.routerId}` : tx``}
        ${a.site ? tx`and r.site = ${a.site}` : tx``}
        ${a.expiringWithinDays ? tx`and s.expires_at > ${asOf} and s.expires_at <= ${asOf}::timestamptz + make_interval(days => ${a.expiringWithinDays})` : tx``}
    )` : tx``}`;
}

export const campaignAudience = {
  /** What the compose page previews and the workflow records as its total; `asOf` anchors "expiring within". */
  async count(tx: Tx, scope: CustomerScope, audience: CampaignAudience, asOf = new Date()): Promise<AudienceCount> {
    const [row] = await tx<{ matching: number; optedOut: number }[]>`
      select count(*)::int as matching, count(*) filter (where c.marketing_opt_out)::int as "optedOut"
      from customers c where ${audienceWhere(tx, scope, audience, asOf)}`;
    return { matching: row!.matching, optedOut: row!.optedOut, recipients: row!.matching - row!.optedOut };
  },

  /** Keyset page by customer id, so a resumed campaign continues where it stopped. */
  async page(tx: Tx, scope: CustomerScope, audience: CampaignAudience, page: { afterCustomerId: string | null; limit: number; asOf?: Date }): Promise<CampaignRecipient[]> {
    return tx<CampaignRecipient[]>`
      select c.id as "customerId", c.phone, c.first_name as "firstName", c.account_number as "accountNumber", c.marketing_opt_out as "marketingOptOut"
      from customers c
      where ${audienceWhere(tx, scope, audience, page.asOf ?? new Date())}
        ${page.afterCustomerId ? tx`and c.id > ${page.afterCustomerId}` : tx``}
      order by c.id limit ${page.limit}`;
  },

  /** Sites named on the tenant's routers, for the compose form. */
  async sites(tx: Tx, tenantId: string): Promise<string[]> {
    const rows = await tx<{ site: string }[]>`select distinct site from routers where tenant_id = ${tenantId} and site is not null order by site`;
    return rows.map((r) => r.site);
  },
};
