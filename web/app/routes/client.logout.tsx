import { redirect, type ActionFunctionArgs } from '@remix-run/node';
import { requireClientCsrf, signOutCookie } from '../client/session.server';

export async function action(args: ActionFunctionArgs) {
  const form = await args.request.formData();
  await requireClientCsrf(args, form);
  return redirect('/client/login', { headers: { 'Set-Cookie': await signOutCookie(args) } });
}

export const loader = () => redirect('/client');
