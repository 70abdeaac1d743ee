import type { AppLoadContext } from '@remix-run/node';
import { applications } from '../../../db/queries/applications';
import { audit } from '../../../db/queries/audit';
import type { StaffContext } from '../auth/guard.server';
import { startLifecycle } from './workflow.server';

/** One click starts at most this many; the button then offers the rest. */
export const START_BATCH = 200;
const CONCURRENCY = 8;

/**
 * Starts `adopt` lifecycles for the customers (in the asker's scope) that have none: imported ones, and
 * those created while Temporal was down. Each run reads its stage and expiry from the database.
 */
export async function startMissingLifecycles(context: AppLoadContext, me: Pick<StaffContext, 'tenant' | 'scope' | 'actor'>): Promise<{ started: number; failed: number }> {
  const pending = await applications.withoutLifecycle(context.sql, me.scope, START_BATCH);
  let started = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const c = pending[next++]!;
      const r = await startLifecycle(context, { tenantId: me.tenant.id, tenantSlug: me.tenant.slug, customerId: c.id, accountNumber: c.accountNumber, phone: c.phone, start: 'adopt' });
      if (r.ok) {
        started++;
        await audit.record(context.sql, { tenantId: me.tenant.id, actor: me.actor, action: 'customer.lifecycle_started', entityType: 'customer', entityId: c.id, after: { workflowId: r.workflowId, start: 'adopt' } });
      } else {
        failed++;
      }
      // Temporal is down: the rest would fail the same way, each after its deadline.
      if (!r.ok && failed >= 2 && started === 0) return;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { started, failed };
}
