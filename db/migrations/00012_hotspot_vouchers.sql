-- Prepaid hotspot vouchers: staff print a batch of cards for one package; a guest redeems a code on the portal
-- and goes through the same provisioning as a paid purchase (a hotspot_purchases row with the voucher, no payment).
create table hotspot_voucher_batches (
  id           uuid primary key default gen_random_uuid(),
  tenant_id    uuid not null references tenants,
  package_id   uuid not null,
  count        integer not null check (count between 1 and 2000),
  prefix       text not null default '' check (prefix ~ '^[2-9A-HJ-NP-Z]{0,4}$'),
  -- Unused codes stop working after this; a redeemed one runs its package to the end.
  expires_at   timestamptz not null,
  created_by   uuid references staff,
  created_at   timestamptz not null default now(),
  unique (tenant_id, id),
  foreign key (tenant_id, package_id) references packages (tenant_id, id)
);
create index hotspot_voucher_batches_tenant on hotspot_voucher_batches (tenant_id, created_at desc);

create table hotspot_vouchers (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null,
  batch_id    uuid not null,
  -- Prefix + 10 random characters from a 31-letter alphabet (about 50 bits): unguessable, still typeable.
  code        text not null check (code ~ '^[2-9A-HJ-NP-Z]{10,14}$'),
  -- unused and expired are one stored state: expiry is the batch's date, read at redemption and on screen.
  state       text not null default 'unused' check (state in ('unused', 'in_use', 'revoked')),
  purchase_id uuid unique references hotspot_purchases,
  redeemed_at timestamptz,
  redeemed_mac text,
  revoked_at  timestamptz,
  unique (tenant_id, code),
  foreign key (tenant_id, batch_id) references hotspot_voucher_batches (tenant_id, id),
  check ((state = 'in_use') = (purchase_id is not null)),
  check ((state = 'revoked') = (revoked_at is not null))
);
create index hotspot_vouchers_batch on hotspot_vouchers (batch_id, state);

-- A voucher redemption is a purchase with no phone and no payment.
alter table hotspot_purchases add column voucher_id uuid references hotspot_vouchers;
alter table hotspot_purchases alter column phone drop not null;
alter table hotspot_purchases add constraint hotspot_purchases_phone_or_voucher check (phone is not null or voucher_id is not null);
