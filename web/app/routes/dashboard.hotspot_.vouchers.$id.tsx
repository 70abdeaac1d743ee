import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { hotspotVouchers, type VoucherState } from '../../../db/queries/hotspot-vouchers';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CsrfField } from '../components/form';
import { formatEat } from '../components/labels';

export const meta: MetaFunction = () => [{ title: 'Voucher batch · Back office' }];

const STATE_LABELS: Record<VoucherState, string> = { unused: 'Unused', in_use: 'In use', expired: 'Expired', revoked: 'Revoked' };

async function load(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'payments:record');
  const batch = await hotspotVouchers.getBatch(args.context.sql, me.tenant.id, args.params.id ?? '');
  if (!batch) throw new Response('Not found', { status: 404 });
  return { me, batch };
}

export async function loader(args: LoaderFunctionArgs) {
  const { me, batch } = await load(args);
  const vouchers = await hotspotVouchers.vouchers(args.context.sql, me.tenant.id, batch.id);
  return json({ csrf: me.csrf, batch, vouchers });
}

/** Revoke every unused card of the batch (lost or stolen stack) or one card. Cards in use run to their end. */
export async function action(args: ActionFunctionArgs) {
  const { me, batch } = await load(args);
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const voucherId = typeof form.get('voucherId') === 'string' && form.get('voucherId') ? String(form.get('voucherId')) : undefined;
  const revoked = await args.context.sql.begin(async (tx) => {
    const n = await hotspotVouchers.revoke(tx, me.tenant.id, batch.id, voucherId);
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'voucher_batch.revoke', entityType: 'voucher_batch', entityId: batch.id, after: { revoked: n, ...(voucherId ? { voucherId } : {}) } });
    return n;
  });
  return json({ notice: revoked === 1 ? '1 card revoked.' : `${revoked} cards revoked.` });
}

export default function VoucherBatch() {
  const { csrf, batch, vouchers } = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  return (
    <>
      <div className="heading">
        <h1>
          {batch.packageName} vouchers · {batch.count}
        </h1>
        <Link to="/dashboard/hotspot/vouchers">All batches</Link>
      </div>
      {done?.notice ? <p className="notice notice-ok">{done.notice}</p> : null}
      <p>
        Created {formatEat(batch.createdAt)}
        {batch.createdByName ? ` by ${batch.createdByName}` : ''}; unused cards work until {formatEat(batch.expiresAt)}.
      </p>
      <dl className="details">
        <dt>Unused</dt>
        <dd>{batch.unused}</dd>
        <dt>In use</dt>
        <dd>{batch.inUse}</dd>
        <dt>Expired</dt>
        <dd>{batch.expired}</dd>
        <dt>Revoked</dt>
        <dd>{batch.revoked}</dd>
      </dl>
      <p>
        <a className="button" href={`/dashboard/hotspot/vouchers/${batch.id}/cards.pdf`}>
          Printable cards (PDF, A4)
        </a>{' '}
        <a className="button secondary" href={`/dashboard/hotspot/vouchers/${batch.id}/codes.csv`}>
          Codes (CSV)
        </a>
      </p>
      {batch.unused > 0 ? (
        <Form method="post">
          <CsrfField token={csrf} />
          <button type="submit" className="secondary">
            Revoke all {batch.unused} unused cards
          </button>
        </Form>
      ) : null}
      <table className="table">
        <thead>
          <tr>
            <th>Code</th>
            <th>State</th>
            <th>Device</th>
            <th>Since</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {vouchers.map((v) => (
            <tr key={v.id}>
              <td>
                <code>{v.code}</code>
              </td>
              <td>{STATE_LABELS[v.state]}</td>
              <td>{v.redeemedMac ?? '—'}</td>
              <td>{v.redeemedAt ? formatEat(v.redeemedAt) : '—'}</td>
              <td>
                {v.state === 'unused' ? (
                  <Form method="post">
                    <CsrfField token={csrf} />
                    <input type="hidden" name="voucherId" value={v.id} />
                    <button type="submit" className="secondary">
                      Revoke
                    </button>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
