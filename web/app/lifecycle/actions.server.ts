import { json, type ActionFunctionArgs } from '@remix-run/node';
import { applications } from '../../../db/queries/applications';
import { audit } from '../../../db/queries/audit';
import { customers } from '../../../db/queries/customers';
import {
  actorMay,
  changePackageUpdate,
  pauseUpdate,
  resumeUpdate,
  suspendUpdate,
  terminateUpdate,
  unsuspendUpdate,
} from '../../../workflows/customer-lifecycle/messages';
import { requireCsrf, requireStaff } from '../auth/guard.server';
import { lifecycleActionSchema } from '../forms/lifecycle';
import { parseForm } from '../forms/parse.server';
import { INTENTS } from './panel.server';
import { sendLifecycleUpdate, staffActor, startLifecycle, type UpdateOutcome } from './workflow.server';

type Answer = { intent: string; ok: boolean; message: string; errors: Record<string, string> };
const answer = (a: Answer, status: number) => json(a, { status });

/**
 * The customer page's lifecycle actions. Every one is checked here by role (the same table the workflow's
 * validators use) before the update is sent; the workflow then checks role and stage again and answers.
 */
export async function lifecycleAction(args: ActionFunctionArgs) {
  const me = await requireStaff(args, 'customers:read');
  const form = await args.request.formData();
  await requireCsrf(args, form);
  const customer = await customers.get(args.context.sql, me.scope, args.params.id ?? '');
  if (!customer) throw new Response('No such customer', { status: 404 });
  const intent = String(form.get('intent') ?? '');
  const parsed = parseForm(form, lifecycleActionSchema);
  if (!parsed.ok) return answer({ intent, ok: false, message: Object.values(parsed.errors)[0] ?? 'Check the form.', errors: parsed.errors }, 400);
  const data = parsed.data;
  const actor = staffActor(me);

  if (data.intent === 'startLifecycle') {
    if (!me.can('customers:write') && !me.can('customers:lifecycle')) return answer({ intent, ok: false, message: 'Your role may not start lifecycles.', errors: {} }, 403);
    const started = await startLifecycle(args.context, { tenantId: me.tenant.id, tenantSlug: me.tenant.slug, customerId: customer.id, accountNumber: customer.accountNumber, phone: customer.phone, start: 'adopt' });
    if (started.ok) {
      await audit.record(args.context.sql, { tenantId: me.tenant.id, actor: me.actor, action: 'customer.lifecycle_started', entityType: 'customer', entityId: customer.id, after: { workflowId: started.workflowId, start: 'adopt' } });
    }
    return started.ok
      ? answer({ intent, ok: true, message: 'Lifecycle started.', errors: {} }, 200)
      : answer({ intent, ok: false, message: 'The workflow service cannot be reached just now. Try again in a minute.', errors: {} }, 503);
  }

  const rule = INTENTS[data.intent].rule;
  if (!me.can('customers:lifecycle') || !actorMay(actor, rule)) {
    return answer({ intent, ok: false, message: `Your role (${me.staff.role}) may not ${INTENTS[data.intent].label.toLowerCase()} customers.`, errors: {} }, 403);
  }
  const workflowId = (await applications.lifecycleRecord(args.context.sql, me.scope, customer.id))?.workflowId;
  if (!workflowId) return answer({ intent, ok: false, message: 'This customer has no lifecycle workflow yet: start it first.', errors: {} }, 409);
  const send = (): Promise<UpdateOutcome> => {
    switch (data.intent) {
      case 'suspend': return sendLifecycleUpdate(args.context, workflowId, suspendUpdate, { actor, reason: data.reason });
      case 'unsuspend': return sendLifecycleUpdate(args.context, workflowId, unsuspendUpdate, { actor });
      case 'pause': return sendLifecycleUpdate(args.context, workflowId, pauseUpdate, { actor, reason: data.reason });
      case 'resume': return sendLifecycleUpdate(args.context, workflowId, resumeUpdate, { actor });
      case 'changePackage': return sendLifecycleUpdate(args.context, workflowId, changePackageUpdate, { actor, packageId: data.packageId });
      case 'terminate': return sendLifecycleUpdate(args.context, workflowId, terminateUpdate, { actor, reason: data.reason });
    }
  };
  const outcome = await send();
  return answer({ intent, ok: outcome.ok, message: outcome.message, errors: {} }, outcome.status);
}
