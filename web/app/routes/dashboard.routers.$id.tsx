import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { encryptSecret } from '../../../db/encryption';
import { audit } from '../../../db/queries/audit';
import { routers } from '../../../db/queries/routers';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { RouterForm } from '../components/router-form';
import { routerEditSchema } from '../forms/router';
import { invalid, parseForm } from '../forms/parse.server';

async function load(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'routers:write');
  const router = await routers.get(args.context.sql, me.tenant.id, args.params.id ?? '');
  if (!router) throw new Response('No such router', { status: 404 });
  return { me, router };
}

export async function loader(args: LoaderFunctionArgs) {
  const { me, router } = await load(args);
  return json({ csrf: me.csrf, router });
}

export async function action(args: ActionFunctionArgs) {
  const { me, router } = await load(args);
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, routerEditSchema);
  if (!parsed.ok) return invalid(parsed);
  const { sql, encryptionKey } = args.context;
  const { password, ...fields } = parsed.data;
  if (await routers.nameTaken(sql, me.tenant.id, fields.name, router.id)) {
    const typed = Object.fromEntries([...form].filter(([k, v]) => typeof v === 'string' && k !== '_csrf' && k !== 'password')) as Record<string, string>;
    return invalid({ errors: { name: 'A router with this name already exists' }, values: typed });
  }
  await sql.begin(async (tx) => {
    const updated = await routers.update(tx, me.tenant.id, router.id, { ...fields, passwordEnc: password ? encryptSecret(password, encryptionKey) : undefined });
    // Only whether the password changed is logged, never the secret or its ciphertext.
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'router.update', entityType: 'router', entityId: router.id, before: router, after: { ...updated, passwordChanged: Boolean(password) } });
  });
  return redirect('/dashboard/routers');
}

export default function EditRouter() {
  const { csrf, router } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Edit {router.name}</h1>
      <RouterForm csrf={csrf} router={router} errors={result?.errors} values={result?.values} submitLabel="Save changes" />
    </>
  );
}
