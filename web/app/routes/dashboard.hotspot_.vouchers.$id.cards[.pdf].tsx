import type { LoaderFunctionArgs } from '@remix-run/node';
import { audit } from '../../../db/queries/audit';
import { hotspotVouchers } from '../../../db/queries/hotspot-vouchers';
import { packages } from '../../../db/queries/packages';
import { tenants } from '../../../db/queries/tenants';
import { durationLabel, nairobiShort } from '../../../domain/hotspot-time';
import { formatKes } from '../../../domain/money';
import { requireStaff } from '../auth/guard.server';
import { voucherCardsPdf } from '../hotspot/voucher-pdf.server';

/** `GET /dashboard/hotspot/vouchers/<id>/cards.pdf`: the batch's unused cards, ten to an A4 page, to print and cut. */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'payments:record');
  const { sql } = args.context;
  const batch = await hotspotVouchers.getBatch(sql, me.tenant.id, args.params.id ?? '');
  if (!batch) throw new Response('Not found', { status: 404 });
  const [vouchers, pkg, tenant] = await Promise.all([hotspotVouchers.vouchers(sql, me.tenant.id, batch.id), packages.get(sql, me.tenant.id, batch.packageId), tenants.get(sql, me.tenant.id)]);
  const unused = vouchers.filter((v) => v.state === 'unused');
  // Printed codes are cash in hand: who printed which batch is on record.
  await audit.record(sql, { tenantId: me.tenant.id, actor: me.actor, action: 'voucher_batch.print', entityType: 'voucher_batch', entityId: batch.id, after: { cards: unused.length } });
  const pdf = voucherCardsPdf(
    unused.map((v) => ({
      code: v.code,
      heading: tenant?.name ?? 'Hotspot',
      detail: `${pkg ? durationLabel(pkg) : batch.packageName} internet · ${pkg ? formatKes(pkg.priceCents) : ''}`,
      footer: `Use before ${nairobiShort(new Date(batch.expiresAt.getTime() - 60_000))}`,
    })),
  );
  return new Response(new Uint8Array(pdf), {
    headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="vouchers-${batch.id.slice(0, 8)}.pdf"`, 'cache-control': 'private, no-store' },
  });
}
