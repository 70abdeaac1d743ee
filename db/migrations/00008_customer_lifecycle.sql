-- The customer lifecycle (issue 7). The customerLifecycle workflow owns every status change; these tables
-- are its projection, written by idempotent activities keyed by workflow id + cycle + step.

-- Two stages the workflow has that the first schema did not: installed but waiting for the first payment
-- (prepaid), and paused for a vacation.
alter table customers drop constraint customers_status_check;
alter table customers add constraint customers_status_check
  check (status in ('applied', 'kyc_review', 'rejected', 'installation', 'awaiting_payment', 'active', 'suspended', 'paused', 'terminated'));
alter table customers
  add column requested_package_id uuid,
  add column kyc_decided_by       uuid references staff,
  add column kyc_decided_at       timestamptz,
  add column rejection_reason     text check (length(rejection_reason) <= 500),
  add column workflow_id          text unique,
  add foreign key (tenant_id, requested_package_id) references packages (tenant_id, id);

alter table subscriptions drop constraint subscriptions_status_check;
alter table subscriptions add constraint subscriptions_status_check
  check (status in ('pending', 'active', 'suspended', 'paused', 'expired', 'cancelled'));
alter table subscriptions add column paused_remaining_seconds bigint check (paused_remaining_seconds >= 0);
create unique index subscriptions_one_live_per_customer on subscriptions (tenant_id, customer_id) where status <> 'cancelled';

-- Tenant billing policy beyond 00002's grace/reminder/late-fee columns.
alter table tenants
  add column activate_on       text not null default 'payment' check (activate_on in ('payment', 'installation')),
  add column invoice_due_days  integer not null default 7 check (invoice_due_days between 0 and 60),
  add column stk_on_invoice    boolean not null default false,
  add column suspend_mode      text not null default 'disable' check (suspend_mode in ('disable', 'walled_garden')),
  add column walled_garden_profile text check (walled_garden_profile ~ '^[A-Za-z0-9_.-]{1,64}$'),
  add constraint tenants_walled_garden_profile check (suspend_mode <> 'walled_garden' or walled_garden_profile is not null);

-- KYC documents live in the database (small, size- and type-checked) so a backup holds everything.
create table customer_documents (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references tenants,
  customer_id  uuid not null,
  kind         text not null check (kind in ('national_id', 'kra_pin', 'other')),
  filename     text not null check (length(filename) between 1 and 200),
  content_type text not null check (content_type in ('image/jpeg', 'image/png', 'application/pdf')),
  size_bytes   integer not null check (size_bytes between 1 and 5242880),
  data         bytea not null,
  uploaded_by  uuid references staff,
  uploaded_at  timestamptz not null default now(),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index customer_documents_customer on customer_documents (tenant_id, customer_id);

create table installations (
  id              uuid primary key default gen_random_uuid(),
  tenant_id       uuid not null references tenants,
  customer_id     uuid not null,
  technician_id   uuid references staff,
  status          text not null default 'pending' check (status in ('pending', 'scheduled', 'completed', 'cancelled')),
  scheduled_at    timestamptz,
  completed_at    timestamptz,
  router_id       uuid,
  equipment_serial text check (length(equipment_serial) between 1 and 64),
  notes           text check (length(notes) <= 1000),
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  unique (tenant_id, customer_id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  foreign key (tenant_id, router_id) references routers (tenant_id, id),
  check ((status = 'completed') = (completed_at is not null))
);
create index installations_board on installations (tenant_id, status, scheduled_at);

-- Renewal and fee invoices are issued once per workflow step: the key is the idempotency guard.
alter table invoices
  add column idempotency_key text unique,
  add column kind text not null default 'service' check (kind in ('service', 'late_fee', 'proration', 'final'));

-- The timeline on the customer page. One row per step, so a retried activity never adds a second line.
create table lifecycle_events (
  id              bigint generated always as identity primary key,
  tenant_id       uuid not null references tenants,
  customer_id     uuid not null,
  idempotency_key text not null unique,
  at              timestamptz not null,
  kind            text not null check (kind ~ '^[a-z_]+$'),
  summary         text not null check (length(summary) between 1 and 300),
  detail          jsonb,
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index lifecycle_events_customer on lifecycle_events (tenant_id, customer_id, at desc, id desc);

-- Credits the workflow grants (proration, unused time at termination) are written once per step.
alter table ledger_entries add column idempotency_key text unique;
