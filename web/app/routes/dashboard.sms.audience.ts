import { json, type LoaderFunctionArgs } from '@remix-run/node';
import { requireStaff } from '../auth/guard.server';
import { countAudience, formDataFrom, readAudience } from '../sms/audience.server';

/** GET only (reads nothing but counts): the compose page's live audience count, fed the form's fields. */
export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'sms:send');
  const form = formDataFrom(new URL(args.request.url).searchParams);
  const read = await readAudience(args.context.sql, me, form);
  if (!read.ok) return json({ ok: false as const, errors: read.errors }, { status: 400 });
  return json({ ok: true as const, count: await countAudience(args.context.sql, me, read.audience) });
}
