import type { CustomerStatus } from '../../../db/queries/customers';
import type { Package } from '../../../db/queries/packages';

export const STATUS_LABELS: Record<CustomerStatus, string> = {
  applied: 'Applied',
  kyc_review: 'KYC review',
  rejected: 'Rejected',
  installation: 'Installation',
  awaiting_payment: 'Awaiting first payment',
  active: 'Active',
  suspended: 'Suspended',
  paused: 'Paused',
  terminated: 'Terminated',
};

export function validityLabel(p: Pick<Package, 'validityUnit' | 'validityCount'>): string {
  const unit = { month: 'month', day: 'day', hour: 'hour' }[p.validityUnit];
  return `${p.validityCount} ${unit}${p.validityCount === 1 ? '' : 's'}`;
}

export function speedLabel(kbps: number): string {
  return kbps >= 1000 ? `${(kbps / 1000).toLocaleString('en-KE', { maximumFractionDigits: 1 })} Mbps` : `${kbps} kbps`;
}

const nairobi = new Intl.DateTimeFormat('en-KE', { timeZone: 'Africa/Nairobi', dateStyle: 'medium', timeStyle: 'short' });
/** Stored UTC, shown in East Africa Time. */
export function formatEat(value: string | Date | null): string {
  return value ? nairobi.format(new Date(value)) : '—';
}
