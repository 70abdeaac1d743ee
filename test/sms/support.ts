import { ensureApplicationFailure, type ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { Sql } from '../../db/client';

export const silentLogger = new DefaultLogger('WARN', () => undefined);

/** Runs `fn` as an activity (real Context, heartbeat, cancellation) and returns its result or typed failure. */
export async function runActivity<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<{ value?: R; failure?: ApplicationFailure }> {
  const env = new MockActivityEnvironment({ attempt: 1 }, { logger: silentLogger });
  try {
    return { value: await env.run(fn, ...args) };
  } catch (err) {
    return { failure: ensureApplicationFailure(err) };
  }
}

let seq = 0;
/** A tenant with an SMS sender id, and `n` customers whose phones end in …0001, …0002, …. */
export async function createTenant(sql: Sql, opts: { senderId?: string | null; customers?: number; status?: string } = {}) {
  seq += 1;
  const slug = `sms-isp-${process.pid}-${seq}`;
  const [tenant] = await sql<{ id: string }[]>`
    insert into tenants (name, slug, status, sms_sender_id, paybill) values (${`SMS ISP ${seq}`}, ${slug}, 'active', ${opts.senderId === undefined ? 'MTANDAO' : opts.senderId}, '174379')
    returning id`;
  const customers: { id: string; phone: string }[] = [];
  for (let i = 1; i <= (opts.customers ?? 0); i++) {
    const phone = `2547${String(seq).padStart(2, '0')}${String(i).padStart(6, '0')}`;
    const [row] = await sql<{ id: string }[]>`
      insert into customers (tenant_id, account_number, first_name, last_name, phone, status)
      values (${tenant!.id}, ${`MT${String(seq).padStart(2, '0')}${String(i).padStart(5, '0')}`}, ${`Wanjiku${i}`}, 'Test', ${phone}, ${opts.status ?? 'active'})
      returning id`;
    customers.push({ id: row!.id, phone });
  }
  return { tenantId: tenant!.id, customers };
}
