import { randomBytes } from 'node:crypto';
import { redirect, type AppLoadContext } from '@remix-run/node';
import { staff as staffQueries, type Staff } from '../../../db/queries/staff';
import { tenants, type Tenant } from '../../../db/queries/tenants';
import type { AuditActor } from '../../../db/queries/audit';
import type { CustomerScope } from '../../../db/queries/customers';
import { can, type Permission } from './permissions';

export interface StaffContext {
  staff: Staff;
  tenant: Tenant;
  csrf: string;
  actor: AuditActor;
  /** Resellers are confined to their own customers. */
  scope: CustomerScope;
  can: (permission: Permission) => boolean;
}

type Args = { request: Request; context: AppLoadContext };

/** The signed-in, active staff member, or a redirect to the login page. */
export async function requireSignedIn({ request, context }: Args): Promise<{ staff: Staff; tenantId: string | null; csrf: string }> {
  const session = await context.sessions.getSession(request.headers.get('Cookie'));
  const staffId = session.get('staffId');
  const member = staffId ? await staffQueries.get(context.sql, staffId) : undefined;
  if (!member || !member.active || member.sessionVersion !== session.get('version')) {
    const url = new URL(request.url);
    const next = url.pathname + url.search;
    throw redirect(`/dashboard/login?next=${encodeURIComponent(next)}`, {
      headers: staffId ? { 'Set-Cookie': await context.sessions.destroySession(session) } : {},
    });
  }
  return { staff: member, tenantId: member.tenantId ?? session.get('tenantId') ?? null, csrf: session.get('csrf') ?? '' };
}

/**
 * Every back-office loader and action starts here: signed in, allowed `permission`, and working in a
 * tenant. Denied is a 403 page, never a silently empty one.
 */
export async function requireStaff(args: Args, permission: Permission): Promise<StaffContext> {
  const { staff, tenantId, csrf } = await requireSignedIn(args);
  if (!can(staff.role, permission)) throw new Response(`Your role (${staff.role}) may not do this.`, { status: 403, statusText: 'Forbidden' });
  const tenant = tenantId ? await tenants.get(args.context.sql, tenantId) : undefined;
  if (!tenant) {
    if (staff.role === 'super_admin') throw redirect('/dashboard/tenants?pick=1');
    throw new Response('Your account is not attached to an ISP.', { status: 403, statusText: 'Forbidden' });
  }
  if (tenant.status === 'suspended' && staff.role !== 'super_admin') {
    throw new Response(`${tenant.name} is suspended on Mtandao. Contact the platform administrator.`, { status: 403, statusText: 'Forbidden' });
  }
  return {
    staff,
    tenant,
    csrf,
    actor: { id: staff.id, label: `${staff.name} <${staff.email}>`, ip: args.context.clientIp },
    scope: { tenantId: tenant.id, resellerId: staff.role === 'reseller' ? staff.id : null },
    can: (p) => can(staff.role, p),
  };
}

/** Actions call this before reading anything else from the form. */
export async function requireCsrf({ request, context }: Args, form: FormData): Promise<void> {
  const session = await context.sessions.getSession(request.headers.get('Cookie'));
  const expected = session.get('csrf');
  if (!expected || form.get('_csrf') !== expected) {
    throw new Response('This form has expired. Go back, reload the page and try again.', { status: 403, statusText: 'Forbidden' });
  }
}

export function newCsrfToken(): string {
  return randomBytes(24).toString('base64url');
}
