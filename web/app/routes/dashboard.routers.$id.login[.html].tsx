import type { LoaderFunctionArgs } from '@remix-run/node';
import { routers } from '../../../db/queries/routers';
import template from '../../../hotspot/login.html?raw';
import { requireStaff } from '../auth/guard.server';

/**
 * `GET /dashboard/routers/<id>/login.html`: hotspot/login.html with this portal's address and the router's id
 * filled in, ready to upload to the router's hotspot directory. The portal address is the one staff use now,
 * which is the address guests must reach through the walled garden.
 */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'routers:read');
  const router = await routers.get(args.context.sql, me.tenant.id, args.params.id ?? '');
  if (!router) throw new Response('Not found', { status: 404 });
  const body = template.replaceAll('https://PORTAL.EXAMPLE', new URL(args.request.url).origin).replaceAll('ROUTER-ID', router.id);
  return new Response(body, {
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-disposition': 'attachment; filename="login.html"',
      'cache-control': 'private, no-store',
    },
  });
}
