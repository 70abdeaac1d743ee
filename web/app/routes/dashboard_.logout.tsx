import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { requireCsrf } from '../auth/guard.server';

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const session = await args.context.sessions.getSession(args.request.headers.get('Cookie'));
  return redirect('/dashboard/login', { headers: { 'Set-Cookie': await args.context.sessions.destroySession(session) } });
}

export const loader = () => redirect('/dashboard');
