import type { Tx } from '../client';

export interface AuditActor {
  id: string | null;
  label: string;
  ip?: string | null;
}

export interface AuditEntry {
  id: number;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  at: Date;
}

export const audit = {
  /** Call in the same transaction as the change it records, so neither exists without the other. */
  async record(
    tx: Tx,
    e: { tenantId: string | null; actor: AuditActor; action: string; entityType: string; entityId?: string | null; before?: unknown; after?: unknown },
  ): Promise<void> {
    await tx`
      insert into audit_log (tenant_id, actor_id, actor_label, action, entity_type, entity_id, before, after, ip)
      values (${e.tenantId}, ${e.actor.id}, ${e.actor.label}, ${e.action}, ${e.entityType}, ${e.entityId ?? null},
              ${e.before === undefined ? null : tx.json(e.before as never)}, ${e.after === undefined ? null : tx.json(e.after as never)},
              ${e.actor.ip ?? null})`;
  },

  async list(
    tx: Tx,
    tenantId: string,
    filter: { actorId?: string; entityType?: string; entityId?: string; limit: number; offset: number },
  ): Promise<{ rows: AuditEntry[]; total: number }> {
    const where = tx`tenant_id = ${tenantId}
      ${filter.actorId ? tx`and actor_id = ${filter.actorId}` : tx``}
      ${filter.entityType ? tx`and entity_type = ${filter.entityType}` : tx``}
      ${filter.entityId ? tx`and entity_id = ${filter.entityId}` : tx``}`;
    const rows = await tx<AuditEntry[]>`
      select id, actor_id as "actorId", actor_label as "actorLabel", action, entity_type as "entityType", entity_id as "entityId",
             before, after, host(ip) as ip, at
      from audit_log where ${where} order by at desc, id desc limit ${filter.limit} offset ${filter.offset}`;
    const [count] = await tx<{ n: number }[]>`select count(*) as n from audit_log where ${where}`;
    return { rows, total: count!.n };
  },

  async entityTypes(tx: Tx, tenantId: string): Promise<string[]> {
    const rows = await tx<{ t: string }[]>`select distinct entity_type as t from audit_log where tenant_id = ${tenantId} order by 1`;
    return rows.map((r) => r.t);
  },
};
