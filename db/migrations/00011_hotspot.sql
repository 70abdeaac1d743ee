-- Hotspot guests: one row per purchase (the checkout the portal started). The row carries what the router's
-- redirect told us about the device, so the portal can log it in and a late payment can still reach it.
create table hotspot_purchases (
  -- The uuid of the workflow ids hotspot-<tenant>-<id> and mpesa-<tenant>-<id>.
  id                  uuid primary key,
  tenant_id           uuid not null references tenants,
  router_id           uuid not null,
  package_id          uuid not null,
  phone               text not null check (phone ~ '^254[17]\d{8}$'),
  amount_cents        bigint not null check (amount_cents > 0 and amount_cents % 100 = 0),
  -- From the router's login page; null when the guest came without a redirect.
  mac                 text check (mac ~ '^[0-9A-F]{2}(:[0-9A-F]{2}){5}$'),
  device_ip           text check (length(device_ip) <= 45),
  link_login_only     text check (length(link_login_only) <= 500),
  link_orig           text check (length(link_orig) <= 2000),
  chap_id             text check (length(chap_id) <= 64),
  chap_challenge      text check (length(chap_challenge) <= 256),
  client_ip           text check (length(client_ip) <= 45),
  workflow_id         text not null unique,
  status              text not null default 'awaiting_payment'
                      check (status in ('awaiting_payment', 'unpaid', 'provisioning', 'active', 'expired', 'credited')),
  payment_id          uuid,
  -- The hotspot user name: short, no ambiguous characters, unique per ISP for ever (an old code never logs in anyone new).
  access_code         text check (access_code ~ '^[2-9A-HJ-NP-Z]{6,10}$'),
  -- AES-GCM under ENCRYPTION_KEY: the router password is never shown, the code alone signs a guest in through the portal.
  access_password_enc text,
  logged_in_at        timestamptz,
  provisioned_at      timestamptz,
  expires_at          timestamptz,
  ended_at            timestamptz,
  failure             text check (length(failure) <= 500),
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now(),
  unique (tenant_id, access_code),
  foreign key (tenant_id, router_id) references routers (tenant_id, id),
  foreign key (tenant_id, package_id) references packages (tenant_id, id),
  foreign key (tenant_id, payment_id) references payments (tenant_id, id),
  check ((access_code is null) = (access_password_enc is null))
);
create index hotspot_purchases_tenant on hotspot_purchases (tenant_id, created_at desc);
create index hotspot_purchases_router on hotspot_purchases (tenant_id, router_id, created_at desc);
-- Rate limits look back a few minutes by device and by source address.
create index hotspot_purchases_mac on hotspot_purchases (mac, created_at desc) where mac is not null;
create index hotspot_purchases_client_ip on hotspot_purchases (client_ip, created_at desc);

-- Money a guest paid but could not be given access for (the router stayed unreachable): kept for the phone
-- number, never silently. One credit per purchase; the balance is the sum.
create table hotspot_wallet_credits (
  id           bigint generated always as identity primary key,
  tenant_id    uuid not null references tenants,
  phone        text not null check (phone ~ '^254[17]\d{8}$'),
  purchase_id  uuid not null unique references hotspot_purchases,
  amount_cents bigint not null check (amount_cents <> 0),
  reason       text not null check (length(reason) between 1 and 500),
  created_at   timestamptz not null default now()
);
create index hotspot_wallet_phone on hotspot_wallet_credits (tenant_id, phone);
