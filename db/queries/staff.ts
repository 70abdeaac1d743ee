import type { Tx } from '../client';

export const STAFF_ROLES = ['super_admin', 'admin', 'finance', 'support', 'technician', 'sales', 'reseller'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface Staff {
  id: string;
  tenantId: string | null;
  email: string;
  name: string;
  role: StaffRole;
  active: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  sessionVersion: number;
  createdAt: Date;
}

const columns = (tx: Tx) => tx`
  id, tenant_id as "tenantId", email, name, role, active, failed_logins as "failedLogins", locked_until as "lockedUntil",
  last_login_at as "lastLoginAt", session_version as "sessionVersion", created_at as "createdAt"`;

export const staff = {
  async get(tx: Tx, id: string): Promise<Staff | undefined> {
    const [row] = await tx<Staff[]>`select ${columns(tx)} from staff where id = ${id}`;
    return row;
  },

  async inTenant(tx: Tx, tenantId: string, id: string): Promise<Staff | undefined> {
    const [row] = await tx<Staff[]>`select ${columns(tx)} from staff where id = ${id} and tenant_id = ${tenantId}`;
    return row;
  },

  async forLogin(tx: Tx, email: string): Promise<(Staff & { passwordHash: string }) | undefined> {
    const [row] = await tx<(Staff & { passwordHash: string })[]>`
      select ${columns(tx)}, password_hash as "passwordHash" from staff where email = ${email.trim().toLowerCase()}`;
    return row;
  },

  /** Emails are unique across every ISP, because sign-in is by email alone. */
  async emailTaken(tx: Tx, email: string): Promise<boolean> {
    const [row] = await tx`select 1 from staff where email = ${email.trim().toLowerCase()}`;
    return Boolean(row);
  },

  async list(tx: Tx, tenantId: string, opts: { role?: StaffRole } = {}): Promise<Staff[]> {
    return tx<Staff[]>`
      select ${columns(tx)} from staff where tenant_id = ${tenantId} ${opts.role ? tx`and role = ${opts.role}` : tx``}
      order by active desc, name`;
  },

  async create(tx: Tx, input: { tenantId: string | null; email: string; name: string; role: StaffRole; passwordHash: string }): Promise<Staff> {
    const [row] = await tx<Staff[]>`
      insert into staff (tenant_id, email, name, role, password_hash)
      values (${input.tenantId}, ${input.email.trim().toLowerCase()}, ${input.name.trim()}, ${input.role}, ${input.passwordHash})
      returning ${columns(tx)}`;
    return row!;
  },

  async update(tx: Tx, tenantId: string, id: string, changes: { name?: string; role?: StaffRole; active?: boolean }): Promise<Staff | undefined> {
    const [row] = await tx<Staff[]>`
      update staff set
        name = coalesce(${changes.name ?? null}, name),
        role = coalesce(${changes.role ?? null}, role),
        active = coalesce(${changes.active ?? null}, active),
        session_version = session_version + case when ${changes.active === false} or ${changes.role ?? null}::text is not null then 1 else 0 end,
        updated_at = now()
      where id = ${id} and tenant_id = ${tenantId} returning ${columns(tx)}`;
    return row;
  },

  /**
   * A new password voids every existing session of that person and clears any lockout. With `tenantId`
   * only a member of that ISP is touched; false when nobody matched.
   */
  async setPassword(tx: Tx, id: string, passwordHash: string, scope: { tenantId?: string } = {}): Promise<boolean> {
    const rows = await tx`update staff set password_hash = ${passwordHash}, session_version = session_version + 1,
      failed_logins = 0, locked_until = null, updated_at = now()
      where id = ${id} ${scope.tenantId ? tx`and tenant_id = ${scope.tenantId}` : tx``}`;
    return rows.count > 0;
  },

  async recordLoginFailure(tx: Tx, id: string, lockAfter: number, lockMinutes: number): Promise<{ failedLogins: number; lockedUntil: Date | null }> {
    const [row] = await tx<{ failedLogins: number; lockedUntil: Date | null }[]>`
      update staff set failed_logins = failed_logins + 1,
        locked_until = case when failed_logins + 1 >= ${lockAfter} then now() + make_interval(mins => ${lockMinutes}) else locked_until end
      where id = ${id} returning failed_logins as "failedLogins", locked_until as "lockedUntil"`;
    return row!;
  },

  async recordLoginSuccess(tx: Tx, id: string): Promise<void> {
    await tx`update staff set failed_logins = 0, locked_until = null, last_login_at = now() where id = ${id}`;
  },
};
