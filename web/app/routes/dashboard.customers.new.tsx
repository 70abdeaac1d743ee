import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { audit } from '../../../db/queries/audit';
import { customers } from '../../../db/queries/customers';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CustomerForm } from '../components/customer-form';
import { customerSchema } from '../forms/customer';
import { invalid, parseForm } from '../forms/parse.server';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'customers:write');
  return json({ csrf: me.csrf });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'customers:write');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, customerSchema);
  if (!parsed.ok) return invalid(parsed);
  const created = await args.context.sql.begin(async (tx) => {
    // A reseller's scope names themselves: what they create is theirs, so they can still see it.
    const customer = await customers.create(tx, me.tenant.id, { ...parsed.data, resellerId: me.scope.resellerId ?? null });
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'customer.create', entityType: 'customer', entityId: customer.id, after: customer });
    return customer;
  });
  // Possible duplicates are a warning on the new customer's page, never a reason to refuse.
  return redirect(`/dashboard/customers/${created.id}?created=1`);
}

export default function NewCustomer() {
  const { csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>New customer</h1>
      <CustomerForm csrf={csrf} errors={result?.errors} values={result?.values} submitLabel="Create customer" />
    </>
  );
}
