import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { applications } from '../../../db/queries/applications';
import { audit } from '../../../db/queries/audit';
import { customers } from '../../../db/queries/customers';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { CustomerForm } from '../components/customer-form';
import { customerSchema } from '../forms/customer';
import { invalid, parseForm } from '../forms/parse.server';

// `$id_` keeps this page out of the detail page's layout: /dashboard/customers/:id/edit stands alone.

async function load(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'customers:write');
  // The scope makes another tenant's or another reseller's customer indistinguishable from none.
  const customer = await customers.get(args.context.sql, me.scope, args.params.id ?? '');
  if (!customer) throw new Response('No such customer', { status: 404 });
  // A customer with a lifecycle workflow gets its status from the workflow only.
  const lifecycleOwned = Boolean((await applications.lifecycleRecord(args.context.sql, me.scope, customer.id))?.workflowId);
  return { me, customer, lifecycleOwned };
}

export async function loader(args: LoaderFunctionArgs) {
  const { me, customer, lifecycleOwned } = await load(args);
  return json({ csrf: me.csrf, customer, lifecycleOwned });
}

export async function action(args: ActionFunctionArgs) {
  const { me, customer, lifecycleOwned } = await load(args);
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, customerSchema);
  if (!parsed.ok) return invalid(parsed);
  await args.context.sql.begin(async (tx) => {
    // Locked and re-read, so a stage the workflow records meanwhile is not overwritten with the one this page loaded.
    const status = lifecycleOwned ? await applications.lockStatus(tx, me.tenant.id, customer.id) : parsed.data.status;
    const updated = await customers.update(tx, me.scope, customer.id, { ...parsed.data, status: status ?? customer.status });
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'customer.update', entityType: 'customer', entityId: customer.id, before: customer, after: updated });
  });
  return redirect(`/dashboard/customers/${customer.id}?saved=1`);
}

export default function EditCustomer() {
  const { csrf, customer, lifecycleOwned } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>
        Edit {customer.firstName} {customer.lastName} ({customer.accountNumber})
      </h1>
      <CustomerForm csrf={csrf} customer={customer} errors={result?.errors} values={result?.values} submitLabel="Save changes" statusNote={lifecycleOwned ? 'changed only by the lifecycle actions on the customer page' : undefined} />
    </>
  );
}
