import type { LoaderFunctionArgs } from '@remix-run/node';
import { applications } from '../../../db/queries/applications';
import { isUuid } from '../../../db/queries/customers';
import { requireStaff } from '../auth/guard.server';

/**
 * A KYC document, sent from the database to whoever may see its customer (a reseller only their own).
 * Always an attachment, with nosniff and a sandbox CSP: an uploaded file never runs in the back office's origin.
 */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'customers:read');
  const id = args.params.id ?? '';
  const doc = isUuid(id) ? await applications.document(args.context.sql, me.scope, id) : undefined;
  if (!doc) throw new Response('No such document', { status: 404 });
  const ascii = doc.filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return new Response(new Uint8Array(doc.data), {
    headers: {
      'Content-Type': doc.contentType,
      'Content-Length': String(doc.data.byteLength),
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(doc.filename)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cache-Control': 'private, no-store',
    },
  });
}
