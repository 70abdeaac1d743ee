import { randomBytes } from 'node:crypto';
import { redirect, type AppLoadContext } from '@remix-run/node';
import { customers, type Customer } from '../../../db/queries/customers';
import { portal } from '../../../db/queries/portal';
import { tenants, type Tenant } from '../../../db/queries/tenants';
import type { AuditActor } from '../../../db/queries/audit';
import { isLang, type Lang } from './i18n';

type Args = { request: Request; context: AppLoadContext };

export interface CustomerContext {
  customer: Customer;
  tenant: Tenant;
  workflowId: string | null;
  csrf: string;
  lang: Lang;
  actor: AuditActor;
}

async function sessionOf({ request, context }: Args) {
  return context.clientSessions.getSession(request.headers.get('Cookie'));
}

/**
 * Every signed-in portal loader and action starts here. The tenant and customer come only from the signed
 * cookie, and a password change (session version) signs other devices out.
 */
export async function requireCustomer(args: Args): Promise<CustomerContext> {
  const session = await sessionOf(args);
  const tenantId = session.get('tenantId');
  const customerId = session.get('customerId');
  const identity = tenantId && customerId ? await portal.identity(args.context.sql, tenantId, customerId) : undefined;
  const tenant = identity ? await tenants.get(args.context.sql, identity.tenantId) : undefined;
  if (!identity || !tenant || tenant.status !== 'active' || identity.passwordHash === null || identity.sessionVersion !== session.get('version')) {
    const url = new URL(args.request.url);
    throw redirect(`/client/login?next=${encodeURIComponent(url.pathname + url.search)}`, {
      headers: customerId ? { 'Set-Cookie': await args.context.clientSessions.destroySession(session) } : {},
    });
  }
  const customer = (await customers.get(args.context.sql, { tenantId: tenant.id }, identity.customerId))!;
  const [row] = await args.context.sql<{ workflowId: string | null }[]>`
    select workflow_id as "workflowId" from customers where tenant_id = ${tenant.id} and id = ${customer.id}`;
  return {
    customer,
    tenant,
    workflowId: row?.workflowId ?? null,
    csrf: session.get('csrf') ?? '',
    lang: customer.language,
    actor: { id: null, label: `customer ${customer.accountNumber} (portal)`, ip: args.context.clientIp },
  };
}

/** Language for the signed-out pages: a choice made here, else Swahili when the browser prefers it. */
export async function visitorLang(args: Args): Promise<Lang> {
  const session = await sessionOf(args);
  return isLang(session.get('lang')) ? session.get('lang')! : acceptLanguage(args.request);
}

function acceptLanguage(request: Request): Lang {
  return /^sw\b/i.test(request.headers.get('accept-language') ?? '') ? 'sw' : 'en';
}

/** Actions call this before reading anything else from the form. */
export async function requireClientCsrf(args: Args, form: FormData): Promise<void> {
  const session = await sessionOf(args);
  const expected = session.get('csrf');
  if (!expected || form.get('_csrf') !== expected) {
    throw new Response('This form has expired. Go back, reload the page and try again. / Fomu imepitwa na wakati: pakia ukurasa upya.', { status: 403, statusText: 'Forbidden' });
  }
}

/** A fresh session (new CSRF token) for the customer: nothing from before sign-in carries over. */
export async function signInCookie(context: AppLoadContext, p: { tenantId: string; customerId: string; version: number }): Promise<string> {
  const session = await context.clientSessions.getSession();
  session.set('tenantId', p.tenantId);
  session.set('customerId', p.customerId);
  session.set('version', p.version);
  session.set('csrf', newToken());
  return context.clientSessions.commitSession(session);
}

export async function signOutCookie(args: Args): Promise<string> {
  return args.context.clientSessions.destroySession(await sessionOf(args));
}

export async function setVisitorLang(args: Args, lang: Lang): Promise<string> {
  const session = await sessionOf(args);
  session.set('lang', lang);
  return args.context.clientSessions.commitSession(session);
}

/** Only paths inside the portal, so the sign-in page cannot bounce a customer to another site. */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/client(\/|$|\?)/.test(next) && !next.startsWith('//') ? next : '/client';
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}
