import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { isUuid } from '../../../db/queries/customers';
import { packages } from '../../../db/queries/packages';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { PackageForm } from '../components/package-form';
import { packageSchema } from '../forms/package';
import { invalid, parseForm } from '../forms/parse.server';

async function load(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'packages:write');
  const id = args.params.id ?? '';
  const pkg = isUuid(id) ? await packages.get(args.context.sql, me.tenant.id, id) : undefined;
  if (!pkg) throw new Response('No such package', { status: 404 });
  return { me, pkg };
}

export async function loader(args: LoaderFunctionArgs) {
  const { me, pkg } = await load(args);
  return json({ csrf: me.csrf, pkg });
}

export async function action(args: ActionFunctionArgs) {
  const { me, pkg } = await load(args);
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, packageSchema);
  if (!parsed.ok) return invalid(parsed);
  const { sql } = args.context;
  if (await packages.nameTaken(sql, me.tenant.id, parsed.data.name, pkg.id)) {
    return invalid({ errors: { name: 'A package with this name already exists' } });
  }
  await sql.begin(async (tx) => {
    const updated = await packages.update(tx, me.tenant.id, pkg.id, parsed.data);
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'package.update', entityType: 'package', entityId: pkg.id, before: pkg, after: updated });
  });
  return redirect('/dashboard/packages');
}

export default function EditPackage() {
  const { csrf, pkg } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Edit {pkg.name}</h1>
      <PackageForm csrf={csrf} pkg={pkg} errors={result?.errors} values={result?.values} submitLabel="Save changes" />
    </>
  );
}
