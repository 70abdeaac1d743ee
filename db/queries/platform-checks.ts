import type { Tx } from '../client';

export interface PlatformCheckRow {
  checkId: string;
  requestedBy: string;
  startedWorker: string;
  startedAt: Date;
  schemaVersion: number;
  timerFiredAt: Date | null;
  completedWorker: string | null;
  completedAt: Date | null;
}

// Every write is first-writer-wins so a retried activity returns the original result.
export const platformChecks = {
  async start(tx: Tx, input: { checkId: string; requestedBy: string; worker: string }): Promise<{ schemaVersion: number; worker: string }> {
    const [row] = await tx<{ schemaVersion: number; worker: string }[]>`
      insert into platform_checks (check_id, requested_by, started_worker, schema_version)
      values (${input.checkId}, ${input.requestedBy}, ${input.worker}, (select coalesce(max(id), 0) from schema_migrations))
      on conflict (check_id) do update set check_id = excluded.check_id
      returning schema_version as "schemaVersion", started_worker as worker`;
    return row!;
  },

  async markTimerFired(tx: Tx, checkId: string): Promise<Date> {
    const [row] = await tx<{ at: Date }[]>`
      update platform_checks set timer_fired_at = coalesce(timer_fired_at, now())
      where check_id = ${checkId} returning timer_fired_at as at`;
    if (!row) throw new Error(`platform check ${checkId} was never started`);
    return row.at;
  },

  async complete(tx: Tx, checkId: string, worker: string): Promise<{ worker: string; completedAt: Date }> {
    const [row] = await tx<{ worker: string; completedAt: Date }[]>`
      update platform_checks
      set completed_at = coalesce(completed_at, now()), completed_worker = coalesce(completed_worker, ${worker})
      where check_id = ${checkId} returning completed_worker as worker, completed_at as "completedAt"`;
    if (!row) throw new Error(`platform check ${checkId} was never started`);
    return row;
  },

  async get(tx: Tx, checkId: string): Promise<PlatformCheckRow | undefined> {
    const [row] = await tx<PlatformCheckRow[]>`
      select check_id as "checkId", requested_by as "requestedBy", started_worker as "startedWorker",
             started_at as "startedAt", schema_version as "schemaVersion", timer_fired_at as "timerFiredAt",
             completed_worker as "completedWorker", completed_at as "completedAt"
      from platform_checks where check_id = ${checkId}`;
    return row;
  },
};
