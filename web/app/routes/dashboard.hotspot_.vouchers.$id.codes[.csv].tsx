import type { LoaderFunctionArgs } from '@remix-run/node';
import { stringify } from 'csv-stringify/sync';
import { audit } from '../../../db/queries/audit';
import { hotspotVouchers } from '../../../db/queries/hotspot-vouchers';
import { requireStaff } from '../auth/guard.server';
import { formatEat } from '../components/labels';

/** `GET /dashboard/hotspot/vouchers/<id>/codes.csv`: every code of the batch with its state. */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'payments:record');
  const { sql } = args.context;
  const batch = await hotspotVouchers.getBatch(sql, me.tenant.id, args.params.id ?? '');
  if (!batch) throw new Response('Not found', { status: 404 });
  const vouchers = await hotspotVouchers.vouchers(sql, me.tenant.id, batch.id);
  await audit.record(sql, { tenantId: me.tenant.id, actor: me.actor, action: 'voucher_batch.export', entityType: 'voucher_batch', entityId: batch.id, after: { rows: vouchers.length } });
  const body = stringify(
    vouchers.map((v) => ({ code: v.code, package: batch.packageName, state: v.state, device: v.redeemedMac ?? '', redeemed: v.redeemedAt ? formatEat(v.redeemedAt) : '', unused_until: formatEat(batch.expiresAt) })),
    { header: true, columns: ['code', 'package', 'state', 'device', 'redeemed', 'unused_until'], bom: true },
  );
  return new Response(body, {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="vouchers-${batch.id.slice(0, 8)}.csv"`, 'cache-control': 'private, no-store' },
  });
}
