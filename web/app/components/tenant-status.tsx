import type { Tenant } from '../../../db/queries/tenants';

export const TENANT_STATUS_LABELS: Record<Tenant['status'], string> = {
  pending: 'Pending',
  active: 'Active',
  suspended: 'Suspended',
};
