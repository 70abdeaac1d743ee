-- Router monitoring and drift reconciliation (issue 4, parts 3-4). The routerMonitor workflow
-- (id router-monitor-<tenant>-<router>) writes one sample per poll; routerReconcile
-- (id router-reconcile-<tenant>-<router>) writes one row per pass.
create table router_health_samples (
  id                  bigint generated always as identity primary key,
  tenant_id           uuid not null references tenants,
  router_id           uuid not null,
  at                  timestamptz not null default now(),
  online              boolean not null,
  cpu_percent         integer check (cpu_percent between 0 and 100),
  memory_used_bytes   bigint check (memory_used_bytes >= 0),
  memory_total_bytes  bigint check (memory_total_bytes >= 0),
  uptime_seconds      bigint check (uptime_seconds >= 0),
  active_sessions     integer check (active_sessions >= 0),
  error               text,
  foreign key (tenant_id, router_id) references routers (tenant_id, id) on delete cascade
);
create index router_health_samples_router_at on router_health_samples (tenant_id, router_id, at desc);

create table router_reconciliations (
  id              bigint generated always as identity primary key,
  tenant_id       uuid not null references tenants,
  router_id       uuid not null,
  started_at      timestamptz not null,
  finished_at     timestamptz not null default now(),
  created         integer not null default 0 check (created >= 0),
  enabled         integer not null default 0 check (enabled >= 0),
  disabled        integer not null default 0 check (disabled >= 0),
  profile_fixed   integer not null default 0 check (profile_fixed >= 0),
  extras_reported integer not null default 0 check (extras_reported >= 0),
  errors          jsonb not null default '[]',
  details         jsonb not null default '{}',
  foreign key (tenant_id, router_id) references routers (tenant_id, id) on delete cascade
);
create index router_reconciliations_router_at on router_reconciliations (tenant_id, router_id, started_at desc);
