import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { Form, useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { isUuid } from '../../../db/queries/customers';
import { staff as staffQueries } from '../../../db/queries/staff';
import { tenants, type Tenant } from '../../../db/queries/tenants';
import { requireCsrf, requireSignedIn } from '../auth/guard.server';
import { can } from '../auth/permissions';
import { CsrfField, FormError } from '../components/form';
import { formatEat } from '../components/labels';
import { TENANT_STATUS_LABELS } from '../components/tenant-status';

const NEXT_STATUS: Record<string, Tenant['status']> = { activate: 'active', suspend: 'suspended' };

async function load(args: LoaderFunctionArgs) {
  // Not requireStaff: a super admin may have no ISP selected yet, and choosing one happens here.
  const signedIn = await requireSignedIn(args);
  if (!can(signedIn.staff.role, 'tenants:manage')) throw new Response('Only a super admin manages ISPs.', { status: 403, statusText: 'Forbidden' });
  const id = args.params.id ?? '';
  const tenant = isUuid(id) ? await tenants.getWithCounts(args.context.sql, id) : undefined;
  if (!tenant) throw new Response('No such ISP', { status: 404 });
  return { ...signedIn, tenant };
}

export async function loader(args: LoaderFunctionArgs) {
  const { csrf, tenantId, tenant } = await load(args);
  const admins = await staffQueries.list(args.context.sql, tenant.id, { role: 'admin' });
  return json({
    csrf,
    working: tenantId === tenant.id,
    created: new URL(args.request.url).searchParams.has('created'),
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug, status: tenant.status, customers: tenant.customers, staff: tenant.staff, createdAt: tenant.createdAt },
    admins: admins.map((a) => ({ id: a.id, name: a.name, email: a.email, active: a.active })),
  });
}

export async function action(args: ActionFunctionArgs) {
  const { staff: me, tenant } = await load(args);
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const intent = String(form.get('intent') ?? '');
  const { sql, sessions } = args.context;

  if (intent === 'work') {
    const session = await sessions.getSession(args.request.headers.get('Cookie'));
    session.set('tenantId', tenant.id);
    return redirect('/dashboard', { headers: { 'Set-Cookie': await sessions.commitSession(session) } });
  }
  const status = NEXT_STATUS[intent];
  if (!status) return json({ errors: { _form: 'Unknown action. Reload the page and try again.' } }, { status: 400 });
  if (status !== tenant.status) {
    await sql.begin(async (tx) => {
      await tenants.setStatus(tx, tenant.id, status);
      const actor = { id: me.id, label: `${me.name} <${me.email}>`, ip: args.context.clientIp };
      await audit.record(tx, { tenantId: tenant.id, actor, action: 'tenant.set_status', entityType: 'tenant', entityId: tenant.id, before: { status: tenant.status }, after: { status } });
    });
  }
  return redirect(`/dashboard/tenants/${tenant.id}`);
}

export default function TenantPage() {
  const { csrf, working, created, tenant, admins } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>{tenant.name}</h1>
      {created ? <p className="notice notice-ok" role="status">ISP created. Its admin can sign in now.</p> : null}
      <FormError errors={result?.errors} />
      <dl className="details">
        <dt>Short name</dt>
        <dd>{tenant.slug}</dd>
        <dt>Status</dt>
        <dd>{TENANT_STATUS_LABELS[tenant.status]}</dd>
        <dt>Customers</dt>
        <dd>{tenant.customers}</dd>
        <dt>Staff</dt>
        <dd>{tenant.staff}</dd>
        <dt>Created</dt>
        <dd>{formatEat(tenant.createdAt)}</dd>
        <dt>Admins</dt>
        <dd>{admins.length === 0 ? '—' : admins.map((a) => `${a.name} <${a.email}>${a.active ? '' : ' (deactivated)'}`).join(', ')}</dd>
      </dl>
      <Form method="post" className="row">
        <CsrfField token={csrf} />
        {working ? <span>You are working in this ISP.</span> : <button type="submit" name="intent" value="work">Work in this ISP</button>}
        {tenant.status === 'active' ? null : <button type="submit" name="intent" value="activate" className="secondary">Activate</button>}
        {tenant.status === 'suspended' ? null : <button type="submit" name="intent" value="suspend" className="danger">Suspend</button>}
      </Form>
    </>
  );
}
