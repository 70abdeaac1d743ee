import type { LoaderFunctionArgs } from '@remix-run/node';
import { portal } from '../../../db/queries/portal';
import { invoicePdf } from '../client/documents-pdf.server';
import { requireCustomer } from '../client/session.server';

/** `GET /client/invoices/<id>.pdf`: only the signed-in customer's own invoices; anyone else's id is a 404. */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireCustomer(args);
  const invoice = await portal.invoice(args.context.sql, me.tenant.id, me.customer.id, args.params.id ?? '');
  if (!invoice) throw new Response('Not found', { status: 404 });
  const pdf = await invoicePdf({ tenant: me.tenant, customer: me.customer, invoice, lang: me.lang });
  return new Response(new Uint8Array(pdf), {
    headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${invoice.number}.pdf"`, 'cache-control': 'private, no-store' },
  });
}
