-- The client self-service portal (issue 9): customer sign-in, one-time codes, portal payments and support
-- requests. Customer credentials live apart from `customers` so staff screens never load a hash.
create table customer_logins (
  tenant_id       uuid not null,
  customer_id     uuid primary key,
  password_hash   text check (password_hash like '$argon2id$%'),
  -- Bumped by a password change or reset: every other signed-in device is signed out.
  session_version integer not null default 1,
  failed_logins   integer not null default 0 check (failed_logins >= 0),
  locked_until    timestamptz,
  last_login_at   timestamptz,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);

-- One-time codes (sign-up, reset) and set-password links, stored only as a keyed hash. A code dies when it
-- is used, when a newer one is issued, after too many wrong tries or at expiry.
create table customer_otps (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null,
  customer_id uuid not null,
  purpose     text not null check (purpose in ('signup', 'reset', 'link')),
  code_hash   text not null unique,
  expires_at  timestamptz not null,
  attempts    integer not null default 0 check (attempts >= 0),
  used_at     timestamptz,
  revoked_at  timestamptz,
  client_ip   inet,
  created_at  timestamptz not null default now(),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index customer_otps_customer on customer_otps (tenant_id, customer_id, created_at desc);
create index customer_otps_ip on customer_otps (client_ip, created_at desc);

-- STK pushes started from the portal: who owns each payment workflow (the status page checks it) and the
-- per-customer rate limit.
create table portal_payments (
  id           uuid primary key,
  tenant_id    uuid not null,
  customer_id  uuid not null,
  workflow_id  text not null unique,
  phone        text not null check (phone ~ '^254[17]\d{8}$'),
  amount_cents bigint not null check (amount_cents > 0),
  created_at   timestamptz not null default now(),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index portal_payments_customer on portal_payments (tenant_id, customer_id, created_at desc);

-- "Report a problem": read by support staff on a simple list until full ticketing exists.
create table support_requests (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null,
  customer_id uuid not null,
  category    text not null check (category in ('no_internet', 'slow', 'billing', 'other')),
  message     text not null check (length(btrim(message)) between 5 and 2000),
  status      text not null default 'open' check (status in ('open', 'closed')),
  created_at  timestamptz not null default now(),
  closed_at   timestamptz,
  closed_by   uuid references staff,
  foreign key (tenant_id, customer_id) references customers (tenant_id, id)
);
create index support_requests_tenant on support_requests (tenant_id, status, created_at desc);
