-- Usage metering (issue 4, part 5). The routerUsage workflow (id router-usage-<tenant>-<router>) samples
-- the router's active sessions; the collectUsage activity turns counter deltas into hourly and daily
-- roll-ups. Bytes are the subscriber's view: upload is what the router received from them.

-- One row per router: the workflow instant of the last sample recorded, so a retried or duplicated
-- sample (not newer than this) is ignored as a whole.
create table usage_collections (
  tenant_id       uuid not null references tenants,
  router_id       uuid not null,
  last_sample_at  timestamptz not null,
  samples         bigint not null default 0 check (samples >= 0),
  primary key (tenant_id, router_id),
  foreign key (tenant_id, router_id) references routers (tenant_id, id) on delete cascade
);

-- The counters each live session showed at the last sample. PPPoE sessions are keyed by username
-- (their counters come from the per-user <pppoe-NAME> interface), hotspot sessions by active-row id.
-- A row disappears when its session is no longer listed.
create table usage_samples (
  tenant_id       uuid not null references tenants,
  router_id       uuid not null,
  session_key     text not null,
  service         text not null check (service in ('pppoe', 'hotspot')),
  username        text not null,
  session_id      text,
  uptime_seconds  bigint check (uptime_seconds >= 0),
  upload_bytes    bigint not null check (upload_bytes >= 0),
  download_bytes  bigint not null check (download_bytes >= 0),
  sampled_at      timestamptz not null,
  primary key (tenant_id, router_id, session_key),
  foreign key (tenant_id, router_id) references routers (tenant_id, id) on delete cascade
);

-- Roll-ups per router and username; subscription_id is null for names no subscription holds (walk-in
-- hotspot users, strangers) and kept null if the subscription is later deleted.
create table usage_hourly (
  tenant_id        uuid not null references tenants,
  router_id        uuid not null,
  service          text not null check (service in ('pppoe', 'hotspot')),
  username         text not null,
  hour             timestamptz not null check (extract(epoch from hour)::bigint % 3600 = 0),
  subscription_id  uuid references subscriptions on delete set null,
  upload_bytes     bigint not null default 0 check (upload_bytes >= 0),
  download_bytes   bigint not null default 0 check (download_bytes >= 0),
  primary key (tenant_id, router_id, service, username, hour),
  foreign key (tenant_id, router_id) references routers (tenant_id, id) on delete cascade
);
create index usage_hourly_subscription on usage_hourly (tenant_id, subscription_id, hour) where subscription_id is not null;

-- day is the Africa/Nairobi calendar date (EAT has whole-hour offset and no DST, so a day is 24 hourly buckets).
create table usage_daily (
  tenant_id        uuid not null references tenants,
  router_id        uuid not null,
  service          text not null check (service in ('pppoe', 'hotspot')),
  username         text not null,
  day              date not null,
  subscription_id  uuid references subscriptions on delete set null,
  upload_bytes     bigint not null default 0 check (upload_bytes >= 0),
  download_bytes   bigint not null default 0 check (download_bytes >= 0),
  primary key (tenant_id, router_id, service, username, day),
  foreign key (tenant_id, router_id) references routers (tenant_id, id) on delete cascade
);
create index usage_daily_subscription on usage_daily (tenant_id, subscription_id, day) where subscription_id is not null;
create index usage_daily_router_day on usage_daily (tenant_id, router_id, day);
