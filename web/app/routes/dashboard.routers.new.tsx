import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node';
import { useActionData, useLoaderData } from '@remix-run/react';
import { encryptSecret } from '../../../db/encryption';
import { audit } from '../../../db/queries/audit';
import { routers } from '../../../db/queries/routers';
import { ensureRouterWorkflowsFor } from '../../../temporal/router-workflows';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { RouterForm } from '../components/router-form';
import { routerCreateSchema } from '../forms/router';
import { invalid, parseForm } from '../forms/parse.server';

export async function loader(args: LoaderFunctionArgs) {
  const me = await requireStaff(args, 'routers:write');
  return json({ csrf: me.csrf });
}

export async function action(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'routers:write');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const parsed = parseForm(form, routerCreateSchema);
  if (!parsed.ok) return invalid(parsed);
  const { sql, encryptionKey } = args.context;
  const { password, ...fields } = parsed.data;
  if (await routers.nameTaken(sql, me.tenant.id, fields.name)) {
    const typed = Object.fromEntries([...form].filter(([k, v]) => typeof v === 'string' && k !== '_csrf' && k !== 'password')) as Record<string, string>;
    return invalid({ errors: { name: 'A router with this name already exists' }, values: typed });
  }
  const created = await sql.begin(async (tx) => {
    const row = await routers.create(tx, me.tenant.id, { ...fields, passwordEnc: encryptSecret(password!, encryptionKey) });
    // The Router row carries no password column, so neither the secret nor its ciphertext reaches the log.
    await audit.record(tx, { tenantId: me.tenant.id, actor: me.actor, action: 'router.create', entityType: 'router', entityId: row.id, after: row });
    return row;
  });
  await startRouterWorkflows(args.context, { tenantId: me.tenant.id, routerId: created.id });
  return redirect('/dashboard/routers');
}

const START_DEADLINE_MS = 3000;

/**
 * Monitoring, reconciliation and usage start with the router rather than at the next worker restart. Best
 * effort: the router is saved either way, and with Temporal down the worker's boot or the router page's
 * Reconcile now starts them later. The deadline keeps an unreachable Temporal from holding the form (gRPC
 * calls without one wait for the server indefinitely).
 */
async function startRouterWorkflows(context: ActionFunctionArgs['context'], ref: { tenantId: string; routerId: string }): Promise<void> {
  try {
    await context.temporal.withDeadline(Date.now() + START_DEADLINE_MS, () => ensureRouterWorkflowsFor(context.temporal, ref));
  } catch (error) {
    context.log.warn({ ...ref, err: error }, 'router workflows not started; the worker starts them at its next boot');
  }
}

export default function NewRouter() {
  const { csrf } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Add router</h1>
      <RouterForm csrf={csrf} errors={result?.errors} values={result?.values} submitLabel="Add router" />
    </>
  );
}
