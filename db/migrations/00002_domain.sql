-- The domain model. Every row that belongs to an ISP carries tenant_id; money is integer KES cents
-- (bigint); rates are basis points (1600 = 16%); time is timestamptz (UTC), shown in Africa/Nairobi.

create table tenants (
  id                 uuid primary key default gen_random_uuid(),
  name               text not null check (length(btrim(name)) between 2 and 120),
  slug               text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$'),
  status             text not null default 'pending' check (status in ('pending', 'active', 'suspended')),
  vat_rate_bp        integer not null default 1600 check (vat_rate_bp between 0 and 5000),
  timezone           text not null default 'Africa/Nairobi',
  currency           text not null default 'KES' check (currency = 'KES'),
  paybill            text check (paybill ~ '^\d{5,7}$'),
  till_number        text check (till_number ~ '^\d{5,7}$'),
  billing_mode       text not null default 'prepaid' check (billing_mode in ('prepaid', 'postpaid')),
  grace_days         integer not null default 0 check (grace_days between 0 and 60),
  reminder_days      integer[] not null default '{7,3,1}' check (cardinality(reminder_days) <= 10 and 0 < all(reminder_days) and 60 >= all(reminder_days)),
  late_fee_bp        integer not null default 0 check (late_fee_bp between 0 and 5000),
  suspend_after_days integer not null default 0 check (suspend_after_days between 0 and 90),
  sms_sender_id      text check (sms_sender_id ~ '^[A-Za-z0-9 _-]{3,11}$'),
  brand_color        text not null default '#0b6e4f' check (brand_color ~ '^#[0-9a-f]{6}$'),
  logo_url           text check (logo_url ~ '^https?://'),
  kra_pin            text check (kra_pin ~ '^[AP]\d{9}[A-Z]$'),
  invoice_prefix     text not null default 'INV' check (invoice_prefix ~ '^[A-Z0-9]{1,8}$'),
  account_prefix     text not null default 'MT' check (account_prefix ~ '^[A-Z]{1,4}$'),
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now()
);

-- Gap-free per-tenant number series (account numbers, invoice numbers), taken with UPDATE … RETURNING.
create table tenant_counters (
  tenant_id uuid not null references tenants on delete cascade,
  kind      text not null check (kind in ('account', 'invoice')),
  last      bigint not null default 0 check (last >= 0),
  primary key (tenant_id, kind)
);

create table staff (
  id              uuid primary key default gen_random_uuid(),
  tenant_id       uuid references tenants,
  email           text not null unique check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  name            text not null check (length(btrim(name)) between 2 and 120),
  password_hash   text not null check (password_hash like '$argon2id$%'),
  role            text not null check (role in ('super_admin', 'admin', 'finance', 'support', 'technician', 'sales', 'reseller')),
  active          boolean not null default true,
  failed_logins   integer not null default 0 check (failed_logins >= 0),
  locked_until    timestamptz,
  last_login_at   timestamptz,
  -- Bumped on password change or deactivation: sessions carrying an older value are void.
  session_version integer not null default 1,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  constraint staff_super_admin_has_no_tenant check ((role = 'super_admin') = (tenant_id is null))
);
create index staff_tenant on staff (tenant_id, role);

create table customers (
  id             uuid primary key default gen_random_uuid(),
  tenant_id      uuid not null references tenants,
  account_number text not null check (account_number ~ '^[A-Z]{1,4}\d{5,}$'),
  first_name     text not null check (length(btrim(first_name)) between 1 and 60),
  last_name      text not null check (length(btrim(last_name)) between 1 and 60),
  phone          text not null check (phone ~ '^254[17]\d{8}$'),
  email          text check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  national_id    text check (national_id ~ '^\d{6,10}$'),
  kra_pin        text check (kra_pin ~ '^[AP]\d{9}[A-Z]$'),
  address        text check (length(address) <= 300),
  latitude       numeric(8, 6) check (latitude between -90 and 90),
  longitude      numeric(9, 6) check (longitude between -180 and 180),
  status         text not null default 'applied'
                 check (status in ('applied', 'kyc_review', 'rejected', 'installation', 'active', 'suspended', 'terminated')),
  reseller_id    uuid references staff,
  notes          text check (length(notes) <= 2000),
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  unique (tenant_id, account_number),
  unique (tenant_id, id),
  constraint customers_gps_pair check ((latitude is null) = (longitude is null))
);
create index customers_tenant_status on customers (tenant_id, status);
create index customers_tenant_phone on customers (tenant_id, phone);
create index customers_tenant_national_id on customers (tenant_id, national_id) where national_id is not null;
create index customers_reseller on customers (tenant_id, reseller_id) where reseller_id is not null;

create table packages (
  id                  uuid primary key default gen_random_uuid(),
  tenant_id           uuid not null references tenants,
  kind                text not null check (kind in ('pppoe', 'hotspot')),
  name                text not null check (length(btrim(name)) between 2 and 60),
  download_kbps       integer not null check (download_kbps between 64 and 10000000),
  upload_kbps         integer not null check (upload_kbps between 64 and 10000000),
  burst_download_kbps integer check (burst_download_kbps > download_kbps),
  burst_upload_kbps   integer check (burst_upload_kbps > upload_kbps),
  data_cap_bytes      bigint check (data_cap_bytes > 0),
  price_cents         bigint not null check (price_cents > 0),
  validity_unit       text not null check (validity_unit in ('month', 'day', 'hour')),
  validity_count      integer not null check (validity_count between 1 and 744),
  shared_devices      integer not null default 1 check (shared_devices between 1 and 50),
  active              boolean not null default true,
  sort_order          integer not null default 0,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  unique (tenant_id, name),
  unique (tenant_id, id),
  constraint packages_burst_pair check ((burst_download_kbps is null) = (burst_upload_kbps is null)),
  constraint packages_monthly_is_pppoe check (validity_unit <> 'month' or validity_count <= 12)
);

create table routers (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references tenants,
  name         text not null check (length(btrim(name)) between 2 and 60),
  host         text not null check (host ~ '^[A-Za-z0-9.:-]{1,253}$'),
  api_port     integer not null default 8728 check (api_port between 1 and 65535),
  use_tls      boolean not null default false,
  username     text not null check (length(username) between 1 and 64),
  -- AES-256-GCM ciphertext (iv.tag.data, base64) under ENCRYPTION_KEY; never the clear password.
  password_enc text not null,
  site         text check (length(site) <= 120),
  status       text not null default 'unknown' check (status in ('unknown', 'online', 'offline', 'disabled')),
  last_seen_at timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  unique (tenant_id, name),
  unique (tenant_id, id)
);

create table ip_pools (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null references tenants,
  router_id   uuid,
  name        text not null check (name ~ '^[A-Za-z0-9_-]{2,40}$'),
  range_start inet not null,
  range_end   inet not null,
  created_at  timestamptz not null default now(),
  unique (tenant_id, name),
  foreign key (tenant_id, router_id) references routers (tenant_id, id),
  check (family(range_start) = family(range_end) and range_start <= range_end)
);

create table subscriptions (
  id                   uuid primary key default gen_random_uuid(),
  tenant_id            uuid not null references tenants,
  customer_id          uuid not null,
  package_id           uuid not null,
  router_id            uuid,
  service_username     text not null check (service_username ~ '^[A-Za-z0-9._@-]{3,64}$'),
  service_password_enc text not null,
  status               text not null default 'pending' check (status in ('pending', 'active', 'suspended', 'expired', 'cancelled')),
  current_period_start timestamptz,
  current_period_end   timestamptz,
  expires_at           timestamptz,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  unique (tenant_id, service_username),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  foreign key (tenant_id, package_id) references packages (tenant_id, id),
  foreign key (tenant_id, router_id) references routers (tenant_id, id),
  check (current_period_end is null or current_period_end > current_period_start)
);
create index subscriptions_customer on subscriptions (tenant_id, customer_id);
create index subscriptions_expiry on subscriptions (tenant_id, status, expires_at);

create table invoices (
  id             uuid primary key default gen_random_uuid(),
  tenant_id      uuid not null references tenants,
  customer_id    uuid not null,
  number         text not null,
  status         text not null default 'draft' check (status in ('draft', 'open', 'paid', 'void')),
  vat_rate_bp    integer not null check (vat_rate_bp between 0 and 5000),
  subtotal_cents bigint not null check (subtotal_cents >= 0),
  vat_cents      bigint not null check (vat_cents >= 0),
  total_cents    bigint not null check (total_cents >= 0),
  period_start   timestamptz,
  period_end     timestamptz,
  issued_at      timestamptz not null default now(),
  due_at         timestamptz not null,
  paid_at        timestamptz,
  created_at     timestamptz not null default now(),
  unique (tenant_id, number),
  unique (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check (subtotal_cents + vat_cents = total_cents),
  check ((status = 'paid') = (paid_at is not null))
);
create index invoices_customer on invoices (tenant_id, customer_id, issued_at desc);

create table invoice_lines (
  id               uuid primary key default gen_random_uuid(),
  tenant_id        uuid not null,
  invoice_id       uuid not null,
  description      text not null check (length(btrim(description)) between 1 and 200),
  quantity         integer not null check (quantity > 0),
  unit_price_cents bigint not null check (unit_price_cents >= 0),
  amount_cents     bigint not null,
  package_id       uuid,
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id) on delete cascade,
  foreign key (tenant_id, package_id) references packages (tenant_id, id),
  check (amount_cents = quantity * unit_price_cents)
);

create table payments (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references tenants,
  -- Null while a C2B payment's account number matches no customer (suspense).
  customer_id  uuid,
  method       text not null check (method in ('mpesa_stk', 'mpesa_c2b', 'cash', 'bank', 'cheque', 'voucher', 'wallet')),
  amount_cents bigint not null check (amount_cents > 0),
  external_ref text check (length(external_ref) between 1 and 64),
  payer_phone  text check (payer_phone ~ '^254[17]\d{8}$'),
  payer_name   text,
  received_at  timestamptz not null,
  recorded_by  uuid references staff,
  notes        text check (length(notes) <= 500),
  created_at   timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  check (method not in ('mpesa_stk', 'mpesa_c2b', 'bank', 'cheque') or external_ref is not null)
);
-- An M-Pesa receipt is one payment however it reached us (STK callback or C2B confirmation).
create unique index payments_mpesa_receipt on payments (upper(external_ref)) where method in ('mpesa_stk', 'mpesa_c2b');
create unique index payments_method_ref on payments (tenant_id, method, external_ref) where method not in ('mpesa_stk', 'mpesa_c2b') and external_ref is not null;
create index payments_tenant_received on payments (tenant_id, received_at desc);
create index payments_customer on payments (tenant_id, customer_id, received_at desc);

create table payment_allocations (
  tenant_id    uuid not null,
  payment_id   uuid not null,
  invoice_id   uuid not null,
  amount_cents bigint not null check (amount_cents > 0),
  primary key (payment_id, invoice_id),
  foreign key (tenant_id, payment_id) references payments (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
);

-- The customer wallet: append-only; the balance is sum(amount_cents), credits positive, charges negative.
create table ledger_entries (
  id          bigint generated always as identity primary key,
  tenant_id   uuid not null,
  customer_id uuid not null,
  kind        text not null check (kind in ('payment', 'invoice', 'adjustment', 'refund', 'reversal')),
  amount_cents bigint not null check (amount_cents <> 0),
  payment_id  uuid,
  invoice_id  uuid,
  description text not null,
  created_by  uuid references staff,
  created_at  timestamptz not null default now(),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  foreign key (tenant_id, payment_id) references payments (tenant_id, id),
  foreign key (tenant_id, invoice_id) references invoices (tenant_id, id),
  check (kind <> 'payment' or (payment_id is not null and amount_cents > 0)),
  check (kind <> 'invoice' or (invoice_id is not null and amount_cents < 0))
);
create index ledger_customer on ledger_entries (tenant_id, customer_id, id);
-- A payment is credited to a wallet once, an invoice charged once.
create unique index ledger_payment_once on ledger_entries (payment_id) where kind = 'payment';
create unique index ledger_invoice_once on ledger_entries (invoice_id) where kind = 'invoice';

create table sms_templates (
  id         uuid primary key default gen_random_uuid(),
  tenant_id  uuid not null references tenants,
  key        text not null check (key ~ '^[a-z][a-z0-9_]{2,40}$'),
  language   text not null check (language in ('en', 'sw')),
  body       text not null check (length(body) between 1 and 918),
  updated_at timestamptz not null default now(),
  unique (tenant_id, key, language)
);

create table sms_logs (
  id                  uuid primary key default gen_random_uuid(),
  tenant_id           uuid not null references tenants,
  customer_id         uuid,
  idempotency_key     text not null unique,
  phone               text not null check (phone ~ '^254\d{9}$'),
  message             text not null,
  status              text not null default 'queued' check (status in ('queued', 'sent', 'delivered', 'failed', 'rejected')),
  provider_message_id text unique,
  cost_cents          bigint check (cost_cents >= 0),
  failure_reason      text,
  status_history      jsonb not null default '[]',
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index sms_logs_tenant_created on sms_logs (tenant_id, created_at desc);

create table audit_log (
  id          bigint generated always as identity primary key,
  tenant_id   uuid references tenants,
  actor_id    uuid references staff,
  actor_label text not null,
  action      text not null check (action ~ '^[a-z_]+\.[a-z_]+$'),
  entity_type text not null,
  entity_id   text,
  before      jsonb,
  after       jsonb,
  ip          inet,
  at          timestamptz not null default now()
);
create index audit_tenant_at on audit_log (tenant_id, at desc);
create index audit_actor on audit_log (tenant_id, actor_id, at desc);
create index audit_entity on audit_log (tenant_id, entity_type, entity_id);

-- History is evidence: ledger and audit rows are never changed or removed.
create function forbid_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name using errcode = 'restrict_violation';
end $$;
create trigger ledger_entries_append_only before update or delete on ledger_entries for each row execute function forbid_change();
create trigger audit_log_append_only before update or delete on audit_log for each row execute function forbid_change();
