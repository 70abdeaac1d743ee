import type { StaffRole } from '../../../db/queries/staff';

/** Every permission checked anywhere in the back office. Routes name one; roles grant a set. */
export const PERMISSIONS = [
  'overview:view',
  'customers:read',
  'customers:write',
  'customers:import',
  'customers:export',
  // Lifecycle actions; the workflow's ACTION_ROLES (workflows/customer-lifecycle/messages.ts) grant the same roles.
  'customers:kyc',
  'customers:lifecycle',
  'packages:read',
  'packages:write',
  'routers:read',
  'routers:write',
  'installations:read',
  'installations:manage',
  'payments:read',
  'payments:record',
  'sms:send',
  'staff:manage',
  'audit:read',
  'settings:manage',
  'tenants:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const TENANT_ADMIN: Permission[] = PERMISSIONS.filter((p) => p !== 'tenants:manage');

/** The one role → permission table. A reseller's customer permissions are further limited to their own customers. */
export const ROLE_PERMISSIONS: Record<StaffRole, readonly Permission[]> = {
  super_admin: PERMISSIONS,
  admin: TENANT_ADMIN,
  finance: ['overview:view', 'customers:read', 'customers:export', 'packages:read', 'payments:read', 'payments:record', 'audit:read'],
  support: ['overview:view', 'customers:read', 'customers:kyc', 'customers:lifecycle', 'packages:read', 'routers:read', 'installations:read', 'payments:read', 'sms:send'],
  technician: ['overview:view', 'customers:read', 'routers:read', 'routers:write', 'installations:read', 'installations:manage'],
  sales: ['overview:view', 'customers:read', 'customers:write', 'customers:import', 'packages:read'],
  reseller: ['overview:view', 'customers:read', 'customers:write', 'packages:read', 'payments:read'],
};

export function can(role: StaffRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export const ROLE_LABELS: Record<StaffRole, string> = {
  super_admin: 'Super admin',
  admin: 'Admin',
  finance: 'Finance',
  support: 'Support',
  technician: 'Technician',
  sales: 'Sales',
  reseller: 'Reseller',
};
