import type { Tx } from '../client';
import { isUuid } from './customers';

export interface Router {
  id: string;
  tenantId: string;
  name: string;
  host: string;
  apiPort: number;
  useTls: boolean;
  username: string;
  site: string | null;
  status: 'unknown' | 'online' | 'offline' | 'disabled';
  lastSeenAt: Date | null;
}

/** `password` is the clear text only on the way in; it is stored sealed (db/encryption.ts). */
export type RouterInput = Pick<Router, 'name' | 'host' | 'apiPort' | 'useTls' | 'username' | 'site'> & { passwordEnc?: string };

const columns = (tx: Tx) => tx`
  id, tenant_id as "tenantId", name, host, api_port as "apiPort", use_tls as "useTls", username, site, status, last_seen_at as "lastSeenAt"`;

export const routers = {
  async list(tx: Tx, tenantId: string): Promise<Router[]> {
    return tx<Router[]>`select ${columns(tx)} from routers where tenant_id = ${tenantId} order by name`;
  },

  async get(tx: Tx, tenantId: string, id: string): Promise<Router | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await tx<Router[]>`select ${columns(tx)} from routers where tenant_id = ${tenantId} and id = ${id}`;
    return row;
  },

  async create(tx: Tx, tenantId: string, r: RouterInput & { passwordEnc: string }): Promise<Router> {
    const [row] = await tx<Router[]>`
      insert into routers (tenant_id, name, host, api_port, use_tls, username, password_enc, site)
      values (${tenantId}, ${r.name}, ${r.host}, ${r.apiPort}, ${r.useTls}, ${r.username}, ${r.passwordEnc}, ${r.site})
      returning ${columns(tx)}`;
    return row!;
  },

  /** Without `passwordEnc` the stored password is kept: forms never echo it back. */
  async update(tx: Tx, tenantId: string, id: string, r: RouterInput): Promise<Router | undefined> {
    const [row] = await tx<Router[]>`
      update routers set name = ${r.name}, host = ${r.host}, api_port = ${r.apiPort}, use_tls = ${r.useTls}, username = ${r.username},
        password_enc = coalesce(${r.passwordEnc ?? null}, password_enc), site = ${r.site}, updated_at = now()
      where tenant_id = ${tenantId} and id = ${id} returning ${columns(tx)}`;
    return row;
  },

  async nameTaken(tx: Tx, tenantId: string, name: string, exceptId?: string): Promise<boolean> {
    const [row] = await tx`select 1 from routers where tenant_id = ${tenantId} and lower(name) = lower(${name})
      ${exceptId ? tx`and id <> ${exceptId}` : tx``}`;
    return Boolean(row);
  },

  /** The router with its sealed API password, for the code that dials it (worker, "test connection"). */
  async connection(tx: Tx, tenantId: string, id: string): Promise<(Router & { passwordEnc: string }) | undefined> {
    if (!isUuid(id)) return undefined;
    const [row] = await tx<(Router & { passwordEnc: string })[]>`
      select ${columns(tx)}, password_enc as "passwordEnc" from routers where tenant_id = ${tenantId} and id = ${id}`;
    return row;
  },

  /** A health check's outcome: online moves `last_seen_at`; a disabled router stays disabled. */
  async recordHealth(tx: Tx, tenantId: string, id: string, online: boolean, at = new Date()): Promise<void> {
    await tx`update routers set status = case when status = 'disabled' then status when ${online} then 'online' else 'offline' end,
      last_seen_at = case when ${online} then ${at} else last_seen_at end
      where tenant_id = ${tenantId} and id = ${id}`;
  },
};
