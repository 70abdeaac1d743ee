import type { AuditEntry } from '../../../db/queries/audit';
import { CUSTOMER_FIELD_LABELS } from '../forms/customer';

export interface HistoryLine {
  id: number;
  at: Date;
  actorLabel: string;
  what: string;
}

const ACTIONS: Record<string, string> = {
  'customer.create': 'Created',
  'customer.update': 'Edited',
  // Written by the lifecycle workflow's activities, or by starting a lifecycle.
  'customer.lifecycle_started': 'Lifecycle started',
  'customer.kyc_approved': 'Application approved',
  'customer.kyc_rejected': 'Application rejected',
  'installation.scheduled': 'Installation booked',
  'installation.completed': 'Installed',
  'customer.suspended': 'Suspended',
  'customer.unsuspended': 'Suspension lifted',
  'subscription.paused': 'Paused',
  'subscription.resumed': 'Resumed',
  'subscription.package_changed': 'Package changed',
  'customer.terminated': 'Terminated',
};

/**
 * An audit entry as one readable line ("Edited: Phone, Status"). Only field names leave the server: the
 * before/after snapshots hold personal details the page has no need to ship again.
 */
export function historyLine(e: AuditEntry): HistoryLine {
  const what = ACTIONS[e.action] ?? e.action;
  const changed = e.action === 'customer.update' ? changedFields(e.before, e.after) : [];
  return { id: e.id, at: e.at, actorLabel: e.actorLabel, what: changed.length ? `${what}: ${changed.join(', ')}` : what };
}

function changedFields(before: unknown, after: unknown): string[] {
  if (!isRecord(before) || !isRecord(after)) return [];
  return Object.entries(CUSTOMER_FIELD_LABELS)
    .filter(([key]) => JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null))
    .map(([, label]) => label);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
