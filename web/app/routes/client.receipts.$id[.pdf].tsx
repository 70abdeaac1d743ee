import type { LoaderFunctionArgs } from '@remix-run/node';
import { portal } from '../../../db/queries/portal';
import { receiptPdf } from '../client/documents-pdf.server';
import { requireCustomer } from '../client/session.server';

/** `GET /client/receipts/<payment id>.pdf`: only the signed-in customer's own payments; anyone else's id is a 404. */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireCustomer(args);
  const payment = await portal.payment(args.context.sql, me.tenant.id, me.customer.id, args.params.id ?? '');
  if (!payment || payment.reversed) throw new Response('Not found', { status: 404 });
  const pdf = await receiptPdf({ tenant: me.tenant, customer: me.customer, payment, lang: me.lang });
  return new Response(new Uint8Array(pdf), {
    headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${payment.receiptNumber ?? 'receipt'}.pdf"`, 'cache-control': 'private, no-store' },
  });
}
