import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useLoaderData } from '@remix-run/react';
import { z } from 'zod';
import { hotspot, type HotspotPurchaseStatus } from '../../../db/queries/hotspot';
import { packages } from '../../../db/queries/packages';
import { routers } from '../../../db/queries/routers';
import { formatKes } from '../../../domain/money';
import { formatKenyanPhone } from '../../../domain/phone';
import { requireStaff } from '../auth/guard.server';
import { formatEat } from '../components/labels';
import { EmptyState, Pagination, pageFrom } from '../components/pagination';

export const meta: MetaFunction = () => [{ title: 'Hotspot · Back office' }];

const STATUSES: Record<HotspotPurchaseStatus, string> = {
  awaiting_payment: 'Waiting for M-Pesa',
  unpaid: 'Not paid',
  provisioning: 'Connecting',
  active: 'Online',
  expired: 'Ended',
  credited: 'Credited to wallet (router failed)',
};

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-11-21')
  .refine((v) => new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v, 'is not a real date');

const filterSchemas = {
  router: z.string().uuid('is not a router'),
  package: z.string().uuid('is not a package'),
  status: z.enum(Object.keys(STATUSES) as [HotspotPurchaseStatus, ...HotspotPurchaseStatus[]], { message: 'is not a status' }),
  from: day,
  to: day,
};
type FilterKey = keyof typeof filterSchemas;
const LABELS: Record<FilterKey, string> = { router: 'Router', package: 'Package', status: 'Status', from: 'From', to: 'To' };

/**
 * Hotspot purchases and sessions: who bought what on which router, whether they got online, revenue per
 * router for the same filters. Money staff and support read it (`payments:read`); resellers sell PPPoE
 * customers of their own and never see hotspot guests.
 */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'payments:read');
  if (me.scope.resellerId) throw new Response('Not found', { status: 404 });
  const tenantId = me.scope.tenantId;
  const url = new URL(args.request.url);
  const errors: string[] = [];
  const f: Partial<Record<FilterKey, string>> = {};
  for (const key of Object.keys(filterSchemas) as FilterKey[]) {
    const raw = url.searchParams.get(key) || undefined;
    if (raw === undefined) continue;
    const parsed = filterSchemas[key].safeParse(raw);
    if (parsed.success) f[key] = parsed.data;
    else errors.push(`${LABELS[key]} ${parsed.error.issues[0]?.message ?? 'is not valid'} (got "${raw.slice(0, 40)}").`);
  }
  if (f.from && f.to && f.from > f.to) {
    errors.push(`To must not be before From (${f.from} to ${f.to}).`);
    delete f.to;
  }
  const filter = {
    ...(f.router ? { routerId: f.router } : {}),
    ...(f.package ? { packageId: f.package } : {}),
    ...(f.status ? { status: f.status as HotspotPurchaseStatus } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
  };
  const { page, limit, offset } = pageFrom(url);
  const [list, revenue, routerList, packageList, credits] = await Promise.all([
    hotspot.list(args.context.sql, tenantId, { ...filter, limit, offset }),
    hotspot.revenueByRouter(args.context.sql, tenantId, filter),
    routers.list(args.context.sql, tenantId),
    packages.list(args.context.sql, tenantId, { kind: 'hotspot' }),
    hotspot.credited(args.context.sql, tenantId),
  ]);
  return json(
    {
      rows: list.rows.map((r) => ({ ...r, amount: formatKes(r.amountCents), phone: r.phone ? formatKenyanPhone(r.phone) : 'Voucher' })),
      total: list.total,
      page,
      revenue: revenue.map((r) => ({ ...r, revenue: formatKes(r.revenueCents) })),
      revenueTotal: formatKes(revenue.reduce((n, r) => n + r.revenueCents, 0)),
      routers: routerList.map((r) => ({ id: r.id, name: r.name })),
      packages: packageList.map((p) => ({ id: p.id, name: p.name })),
      filters: { router: f.router ?? '', package: f.package ?? '', status: f.status ?? '', from: f.from ?? '', to: f.to ?? '' },
      filtered: Object.keys(f).length > 0,
      errors,
      canVouchers: me.can('payments:record'),
      credits: credits.count > 0 ? { count: credits.count, amount: formatKes(credits.amountCents) } : null,
    },
    { status: errors.length > 0 ? 400 : 200 },
  );
}

export default function HotspotBackOffice() {
  const d = useLoaderData<typeof loader>();
  return (
    <>
      <div className="heading">
        <h1>Hotspot</h1>
        {d.canVouchers ? (
          <Link to="/dashboard/hotspot/vouchers" className="button">
            Vouchers
          </Link>
        ) : null}
      </div>
      {d.credits ? (
        <p className="notice notice-bad" role="alert">
          {d.credits.count === 1 ? '1 guest' : `${d.credits.count} guests`} paid ({d.credits.amount}) but the router never took them: the
          money is credited to their phone&apos;s wallet. <Link to="?status=credited">See them</Link> and check the router.
        </p>
      ) : null}
      <Form method="get" className="filters" role="search">
        <label>
          Router
          <select name="router" defaultValue={d.filters.router}>
            <option value="">Any router</option>
            {d.routers.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Package
          <select name="package" defaultValue={d.filters.package}>
            <option value="">Any package</option>
            {d.packages.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select name="status" defaultValue={d.filters.status}>
            <option value="">Any status</option>
            {Object.entries(STATUSES).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="date" name="from" defaultValue={d.filters.from} />
        </label>
        <label>
          To
          <input type="date" name="to" defaultValue={d.filters.to} />
        </label>
        <button type="submit">Filter</button>
        {d.filtered || d.errors.length > 0 ? <Link to="/dashboard/hotspot">Clear</Link> : null}
      </Form>
      {d.errors.length > 0 ? (
        <div className="error" role="alert">
          {d.errors.map((e) => (
            <p key={e}>{e}</p>
          ))}
        </div>
      ) : null}
      <p className="hint">Dates are Nairobi days (EAT), both ends included. Revenue counts paid purchases; wallet credits are not revenue.</p>
      <h2>Revenue per router</h2>
      {d.revenue.length === 0 ? (
        <p>No paid purchases{d.filtered ? ' for these filters' : ' yet'}.</p>
      ) : (
        <table className="table" aria-label="Revenue per router">
          <thead>
            <tr>
              <th>Router</th>
              <th className="num">Purchases</th>
              <th className="num">Revenue</th>
            </tr>
          </thead>
          <tbody>
            {d.revenue.map((r) => (
              <tr key={r.routerId}>
                <td>
                  <Link to={`?router=${r.routerId}`}>{r.routerName}</Link>
                </td>
                <td className="num">{r.purchases}</td>
                <td className="num">{r.revenue}</td>
              </tr>
            ))}
            <tr>
              <th>Total</th>
              <td />
              <th className="num">{d.revenueTotal}</th>
            </tr>
          </tbody>
        </table>
      )}
      <h2>Purchases and sessions</h2>
      {d.rows.length === 0 ? (
        <EmptyState title={d.filtered ? 'No purchases match these filters' : 'No hotspot purchases yet'}>
          <p>Guests buying on the hotspot portal appear here as soon as they press Pay.</p>
        </EmptyState>
      ) : (
        <>
          <table className="table">
            <thead>
              <tr>
                <th>Started</th>
                <th>Router</th>
                <th>Package</th>
                <th>Phone</th>
                <th>Device</th>
                <th>Code</th>
                <th>Status</th>
                <th>Ends</th>
                <th>M-Pesa</th>
                <th className="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.id}>
                  <td>{formatEat(r.createdAt)}</td>
                  <td>{r.routerName}</td>
                  <td>{r.packageName}</td>
                  <td>{r.phone}</td>
                  <td>{r.mac ?? '—'}</td>
                  <td>{r.accessCode ?? '—'}</td>
                  <td>
                    {r.status === 'credited' ? <span className="badge">{STATUSES[r.status]}</span> : STATUSES[r.status]}
                    {r.failure && r.status !== 'active' ? <small className="hint"> {r.failure}</small> : null}
                  </td>
                  <td>{r.expiresAt ? formatEat(r.expiresAt) : '—'}</td>
                  <td>{r.paymentId ? <Link to={`/dashboard/payments/${r.paymentId}`}>{r.receipt ?? 'payment'}</Link> : '—'}</td>
                  <td className="num">{r.amount}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination page={d.page} total={d.total} />
        </>
      )}
    </>
  );
}
