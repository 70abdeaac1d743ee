import type { Sql } from '../../../db/client';
import { packages } from '../../../db/queries/packages';
import { routers } from '../../../db/queries/routers';
import { campaignAudience, type AudienceCount, type CampaignAudience } from '../../../db/queries/sms-audience';
import { staff } from '../../../db/queries/staff';
import type { StaffContext } from '../auth/guard.server';
import type { FieldErrors } from '../forms/parse.server';
import { parseForm } from '../forms/parse.server';
import { audienceFilterSchema, parseAudience } from '../forms/sms';

export type AudienceResult = { ok: true; audience: CampaignAudience } | { ok: false; errors: FieldErrors };

/**
 * The compose form's audience, checked against the tenant (a package, router or reseller of another ISP
 * is "not in the list"). A reseller's audience is always their own customers: the filter carries their id.
 */
export async function readAudience(sql: Sql, me: StaffContext, form: FormData): Promise<AudienceResult> {
  const statuses = parseAudience(form);
  const parsed = parseForm(form, audienceFilterSchema);
  const errors: FieldErrors = { ...(statuses.ok ? {} : { statuses: statuses.error }), ...(parsed.ok ? {} : parsed.errors) };
  if (!statuses.ok || !parsed.ok) return { ok: false, errors };
  const f = parsed.data;
  const own = me.scope.resellerId ?? null;
  if (own && f.resellerId && f.resellerId !== own) return { ok: false, errors: { resellerId: 'You can only message your own customers' } };
  const [pkg, router, reseller] = await Promise.all([
    f.packageId ? packages.get(sql, me.tenant.id, f.packageId) : undefined,
    f.routerId ? routers.get(sql, me.tenant.id, f.routerId) : undefined,
    f.resellerId && !own ? staff.inTenant(sql, me.tenant.id, f.resellerId) : undefined,
  ]);
  if (f.packageId && !pkg) errors.packageId = 'Choose a package from the list';
  if (f.routerId && !router) errors.routerId = 'Choose a router from the list';
  if (f.resellerId && !own && reseller?.role !== 'reseller') errors.resellerId = 'Choose a reseller from the list';
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, audience: { statuses: statuses.statuses, ...f, resellerId: own ?? f.resellerId } };
}

/** The same count the workflow records as its total; `recipients` is what it will send. */
export function countAudience(sql: Sql, me: StaffContext, audience: CampaignAudience): Promise<AudienceCount> {
  return campaignAudience.count(sql, me.scope, audience);
}

/** Choices for the compose form's filters; resellers get no reseller picker (theirs is implied). */
export async function audienceOptions(sql: Sql, me: StaffContext) {
  const [pkgs, rtrs, sites, resellers] = await Promise.all([
    packages.list(sql, me.tenant.id),
    routers.list(sql, me.tenant.id),
    campaignAudience.sites(sql, me.tenant.id),
    me.scope.resellerId ? [] : staff.list(sql, me.tenant.id, { role: 'reseller' }),
  ]);
  return {
    packages: pkgs.map((p) => ({ value: p.id, label: p.name })),
    routers: rtrs.map((r) => ({ value: r.id, label: r.site ? `${r.name} (${r.site})` : r.name })),
    sites: sites.map((s) => ({ value: s, label: s })),
    resellers: resellers.map((r) => ({ value: r.id, label: r.name })),
  };
}

/** A campaign form or query string as the FormData `readAudience` reads. */
export function formDataFrom(params: URLSearchParams): FormData {
  const form = new FormData();
  for (const [k, v] of params) form.append(k, v);
  return form;
}
