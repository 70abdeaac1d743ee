import type { Tx } from '../client';
import type { CustomerScope } from './customers';

export interface BoardItem {
  customerId: string;
  accountNumber: string;
  name: string;
  phone: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  packageId: string | null;
  packageName: string | null;
  workflowId: string | null;
  status: 'unscheduled' | 'scheduled' | 'completed';
  technicianId: string | null;
  technicianName: string | null;
  scheduledAt: Date | null;
  completedAt: Date | null;
  routerName: string | null;
  equipmentSerial: string | null;
}

const mine = (tx: Tx, scope: CustomerScope) =>
  tx`c.tenant_id = ${scope.tenantId} ${scope.resellerId ? tx`and c.reseller_id = ${scope.resellerId}` : tx``}`;

const RECENT_DAYS = 7;

export const installations = {
  /**
   * The technicians' board: every customer waiting for installation (booked or not), plus installations
   * completed in the last week so the team sees what was done. Booked visits come soonest first.
   */
  async board(tx: Tx, scope: CustomerScope, opts: { technicianId?: string; limit?: number } = {}): Promise<BoardItem[]> {
    return tx<BoardItem[]>`
      select c.id as "customerId", c.account_number as "accountNumber", c.first_name || ' ' || c.last_name as name, c.phone, c.address,
        c.latitude::float8 as latitude, c.longitude::float8 as longitude, c.requested_package_id as "packageId", p.name as "packageName",
        c.workflow_id as "workflowId",
        case when i.status = 'completed' then 'completed' when i.scheduled_at is not null then 'scheduled' else 'unscheduled' end as status,
        i.technician_id as "technicianId", t.name as "technicianName", i.scheduled_at as "scheduledAt", i.completed_at as "completedAt",
        r.name as "routerName", i.equipment_serial as "equipmentSerial"
      from customers c
        left join installations i on i.tenant_id = c.tenant_id and i.customer_id = c.id
        left join staff t on t.id = i.technician_id
        left join packages p on p.tenant_id = c.tenant_id and p.id = c.requested_package_id
        left join routers r on r.tenant_id = i.tenant_id and r.id = i.router_id
      where ${mine(tx, scope)}
        and ((c.status = 'installation' and coalesce(i.status, 'pending') <> 'completed')
          or (i.status = 'completed' and i.completed_at > now() - make_interval(days => ${RECENT_DAYS})))
        ${opts.technicianId ? tx`and i.technician_id = ${opts.technicianId}` : tx``}
      order by i.scheduled_at nulls first, c.created_at, c.id
      limit ${opts.limit ?? 200}`;
  },

  /** Who may be booked: the activity accepts active technicians and admins of the ISP. */
  async technicians(tx: Tx, tenantId: string): Promise<{ id: string; name: string }[]> {
    return tx`select id, name from staff where tenant_id = ${tenantId} and active and role in ('technician', 'admin') order by role desc, name`;
  },
};

export const INSTALLATIONS_RECENT_DAYS = RECENT_DAYS;
