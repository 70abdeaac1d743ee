import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, NavLink, Outlet, isRouteErrorResponse, useLoaderData, useNavigation, useRouteError } from '@remix-run/react';
import { tenants } from '../../../db/queries/tenants';
import { requireSignedIn } from '../auth/guard.server';
import { can, ROLE_LABELS, type Permission } from '../auth/permissions';
import { CsrfField } from '../components/form';

export const meta: MetaFunction = () => [{ title: 'Back office · Mtandao' }];

const NAV: { to: string; label: string; permission: Permission }[] = [
  { to: '/dashboard', label: 'Overview', permission: 'overview:view' },
  { to: '/dashboard/customers', label: 'Customers', permission: 'customers:read' },
  { to: '/dashboard/applications', label: 'Applications', permission: 'customers:kyc' },
  { to: '/dashboard/installations', label: 'Installations', permission: 'installations:read' },
  { to: '/dashboard/support', label: 'Support requests', permission: 'customers:kyc' },
  { to: '/dashboard/packages', label: 'Packages', permission: 'packages:read' },
  { to: '/dashboard/payments', label: 'Payments', permission: 'payments:read' },
  { to: '/dashboard/hotspot', label: 'Hotspot', permission: 'payments:read' },
  { to: '/dashboard/routers', label: 'Routers', permission: 'routers:read' },
  { to: '/dashboard/sms', label: 'SMS', permission: 'sms:send' },
  { to: '/dashboard/staff', label: 'Staff', permission: 'staff:manage' },
  { to: '/dashboard/audit', label: 'Audit log', permission: 'audit:read' },
  { to: '/dashboard/settings', label: 'Settings', permission: 'settings:manage' },
  { to: '/dashboard/tenants', label: 'ISPs', permission: 'tenants:manage' },
];

export async function loader(args: LoaderFunctionArgs) {
  const { staff, tenantId, csrf } = await requireSignedIn(args);
  const tenant = tenantId ? await tenants.get(args.context.sql, tenantId) : undefined;
  return json({
    me: { name: staff.name, role: ROLE_LABELS[staff.role] },
    tenantName: tenant?.name ?? null,
    nav: NAV.filter((item) => can(staff.role, item.permission)).map(({ to, label }) => ({ to, label })),
    csrf,
  });
}

export default function DashboardLayout() {
  const { me, tenantName, nav, csrf } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  return (
    <div className="shell">
      <header className="topbar">
        <a href="/dashboard" className="brand">
          Mtandao
        </a>
        <span className="tenant">{tenantName ?? 'No ISP selected'}</span>
        <details className="menu">
          <summary>
            {me.name} · {me.role}
          </summary>
          <Form method="post" action="/dashboard/logout">
            <CsrfField token={csrf} />
            <button type="submit">Sign out</button>
          </Form>
        </details>
      </header>
      <nav className="sidenav" aria-label="Back office">
        {nav.map((item) => (
          <NavLink key={item.to} to={item.to} end={item.to === '/dashboard'} prefetch="intent">
            {item.label}
          </NavLink>
        ))}
      </nav>
      <main className={`content${navigation.state === 'loading' ? ' loading' : ''}`} aria-busy={navigation.state === 'loading'}>
        <Outlet />
      </main>
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  return (
    <main className="page narrow">
      <h1>{status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Something went wrong'}</h1>
      <p>{isRouteErrorResponse(error) ? String(error.data) : 'The error has been logged. Please try again.'}</p>
      <p>
        <a href="/dashboard">Back to the overview</a>
      </p>
    </main>
  );
}
