import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { packages } from '../../../db/queries/packages';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { PackageForm } from '../components/package-form';
import { packageSchema } from '../forms/package';
import { invalid, parseForm } from '../forms/parse.server';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'packages:write');
  return json({ csrf: me.csrf });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'packages:write');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, packageSchema);
  if (!parsed.ok) return invalid(parsed);
  const { sql } = args.context;
  if (await packages.nameTaken(sql, me.tenant.id, parsed.data.name)) {
    return invalid({ errors: { name: 'A package with this name already exists' }, values: Object.fromEntries([...form].filter(([k]) => k !== '_csrf')) as Record<string, string> });
  }
  await sql.begin(async (tx) => {
    const created = await packages.create(tx, me.tenant.id, parsed.data);
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'package.create', entityType: 'package', entityId: created.id, after: created });
  });
  return redirect('/dashboard/packages');
}

export default function NewPackage() {
  const { csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>New package</h1>
      <PackageForm csrf={csrf} errors={result?.errors} values={result?.values} submitLabel="Create package" />
    </>
  );
}
