import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { z } from 'zod';
import { audit } from '../../../db/queries/audit';
import { portal } from '../../../db/queries/portal';
import { hashPassword, verifyPassword } from '../auth/password.server';
import { t } from './i18n';
import { requireClientCsrf, requireCustomer, signInCookie } from './session.server';

export async function profilePage(args: LoaderFunctionArgs) {
  const me = await requireCustomer(args);
  const requests = await portal.supportRequests(args.context.sql, me.tenant.id, me.customer.id);
  return json({
    name: `${me.customer.firstName} ${me.customer.lastName}`,
    phone: `0${me.customer.phone.slice(3)}`,
    account: me.customer.accountNumber,
    email: me.customer.email ?? '',
    language: me.customer.language,
    marketing: !me.customer.marketingOptOut,
    requests: requests.slice(0, 5).map((r) => ({ id: r.id, category: r.category, status: r.status, at: r.createdAt.toISOString().slice(0, 10) })),
  });
}

type Answer = { intent: string; ok: boolean; message: string };

/** Contact and preferences, password, and "report a problem": each an intent, each audited. */
export async function profileAction(args: ActionFunctionArgs) {
  const me = await requireCustomer(args);
  const form = await args.request.formData();
  await requireClientCsrf(args, form);
  const { sql } = args.context;
  const intent = String(form.get('intent') ?? '');
  const answer = (a: Answer, status = 200) => json(a, { status });

  if (intent === 'preferences') {
    const email = String(form.get('email') ?? '').trim().toLowerCase();
    if (email && !z.string().email().max(200).safeParse(email).success) return answer({ intent, ok: false, message: t(me.lang, 'profile.badEmail') }, 400);
    const language = form.get('language') === 'sw' ? 'sw' : 'en';
    const optOut = form.get('marketing') !== 'on';
    await sql.begin(async (tx) => {
      await tx`update customers set email = ${email || null}, language = ${language}, marketing_opt_out = ${optOut},
        marketing_opt_out_at = case when ${optOut} then coalesce(marketing_opt_out_at, now()) else null end, updated_at = now()
        where tenant_id = ${me.tenant.id} and id = ${me.customer.id}`;
      await audit.record(tx, {
        tenantId: me.tenant.id, actor: me.actor, action: 'customer.update', entityType: 'customer', entityId: me.customer.id,
        before: { email: me.customer.email, language: me.customer.language, marketingOptOut: me.customer.marketingOptOut },
        after: { email: email || null, language, marketingOptOut: optOut },
      });
    });
    return answer({ intent, ok: true, message: t(language, 'profile.saved') });
  }

  if (intent === 'password') {
    const current = String(form.get('current') ?? '');
    const next = String(form.get('password') ?? '');
    const identity = await portal.identity(sql, me.tenant.id, me.customer.id);
    if (next.length < 10 || next.length > 200) return answer({ intent, ok: false, message: t(me.lang, 'password.short') }, 400);
    if (!(await verifyPassword(identity?.passwordHash ?? undefined, current))) return answer({ intent, ok: false, message: t(me.lang, 'profile.wrongCurrent') }, 400);
    const hash = await hashPassword(next);
    const version = await sql.begin(async (tx) => {
      const v = await portal.setPassword(tx, me.tenant.id, me.customer.id, hash);
      await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'customer.portal_password_set', entityType: 'customer', entityId: me.customer.id, after: { via: 'profile' } });
      return v;
    });
    // This device stays signed in on the new version; every other one is signed out. A redirect, so the
    // page's loaders read the new cookie rather than the request's now-stale one.
    const cookie = await signInCookie(args.context, { tenantId: me.tenant.id, customerId: me.customer.id, version });
    return redirect('/client/profile?done=password', { headers: { 'Set-Cookie': cookie } });
  }

  if (intent === 'support') {
    const category = String(form.get('category') ?? '');
    const message = String(form.get('message') ?? '').trim();
    if (!['no_internet', 'slow', 'billing', 'other'].includes(category)) return answer({ intent, ok: false, message: t(me.lang, 'support.category') }, 400);
    if (message.length < 5 || message.length > 2000) return answer({ intent, ok: false, message: t(me.lang, 'support.short') }, 400);
    await sql.begin(async (tx) => {
      const id = await portal.addSupportRequest(tx, { tenantId: me.tenant.id, customerId: me.customer.id, category, message });
      await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'support_request.create', entityType: 'support_request', entityId: id, after: { category } });
    });
    return answer({ intent, ok: true, message: t(me.lang, 'support.sent') });
  }
  return answer({ intent, ok: false, message: 'Unknown action' }, 400);
}
