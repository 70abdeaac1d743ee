-- M-Pesa (Daraja) ingestion. Every callback body is stored here FIRST, before anything else happens, so a
-- crash after the 200 never loses a payment and a duplicate delivery is recognised by its natural key.
create table mpesa_events (
  id           bigint generated always as identity primary key,
  kind         text not null check (kind in ('stk_callback', 'c2b_validation', 'c2b_confirmation')),
  -- CheckoutRequestID (STK) or TransID (C2B); null only for bodies too malformed to carry one.
  natural_key  text check (length(natural_key) between 1 and 64),
  tenant_id    uuid references tenants,
  body         jsonb not null,
  source_ip    text,
  received_at  timestamptz not null default now(),
  processed_at timestamptz,
  -- What delivery did: signalled, recorded, duplicate_payment, unknown_checkout, suspense, rejected, accepted, …
  outcome      text check (length(outcome) <= 64),
  detail       text check (length(detail) <= 500)
);
create unique index mpesa_events_natural_key on mpesa_events (kind, natural_key) where natural_key is not null;
create index mpesa_events_unprocessed on mpesa_events (received_at) where processed_at is null;

-- One row per STK push we initiate (one per mpesaPayment workflow).
create table mpesa_checkouts (
  id                  uuid primary key default gen_random_uuid(),
  tenant_id           uuid not null references tenants,
  customer_id         uuid,
  phone               text not null check (phone ~ '^254[17]\d{8}$'),
  amount_cents        bigint not null check (amount_cents > 0 and amount_cents % 100 = 0),
  account_reference   text not null check (length(account_reference) between 1 and 12),
  purpose             text not null check (length(purpose) between 1 and 64),
  workflow_id         text not null unique,
  checkout_request_id text unique,
  merchant_request_id text,
  status              text not null default 'pending' check (status in ('pending', 'paid', 'failed', 'cancelled', 'timeout')),
  result_code         integer,
  result_desc         text,
  receipt             text,
  -- The payment this checkout produced: the guard that a push is credited once, receipt or not.
  payment_id          uuid,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  settled_at          timestamptz,
  unique (tenant_id, id),
  foreign key (tenant_id, customer_id) references customers (tenant_id, id),
  foreign key (tenant_id, payment_id) references payments (tenant_id, id),
  check ((status = 'paid') = (payment_id is not null))
);
create index mpesa_checkouts_tenant on mpesa_checkouts (tenant_id, created_at desc);

-- Every payment gets a receipt number from the ISP's gap-free series (RCT000123), shown to staff and customers.
alter table tenant_counters drop constraint tenant_counters_kind_check;
alter table tenant_counters add constraint tenant_counters_kind_check check (kind in ('account', 'invoice', 'receipt'));
alter table payments add column receipt_number text check (receipt_number ~ '^RCT\d{6,}$');
create unique index payments_receipt_number on payments (tenant_id, receipt_number) where receipt_number is not null;

-- A reversal (bounced cheque, a payment recorded against the wrong account) never deletes: the payment is
-- marked with who, when and why, and the wallet gets one negative 'reversal' line.
alter table payments add column reversed_at timestamptz;
alter table payments add column reversed_by uuid references staff;
alter table payments add column reversal_reason text check (length(btrim(reversal_reason)) between 3 and 500);
alter table payments add constraint payments_reversal_complete check ((reversed_at is null) = (reversal_reason is null));
create unique index ledger_reversal_once on ledger_entries (payment_id) where kind = 'reversal';
