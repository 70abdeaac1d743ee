-- Campaign audience filters and scheduled start (issue 6). A customer matches the subscription filters
-- when one of their (not cancelled) subscriptions matches all of them at once.
alter table sms_campaigns
  add column audience_package_id    uuid,
  add column audience_router_id     uuid,
  add column audience_site          text check (length(audience_site) between 1 and 120),
  add column audience_expiring_days integer check (audience_expiring_days between 1 and 365),
  -- A reseller's campaign always names them: they may only ever reach their own customers.
  add column audience_reseller_id   uuid references staff,
  -- When the workflow starts sending (UTC); null means at once.
  add column scheduled_at           timestamptz,
  add foreign key (tenant_id, audience_package_id) references packages (tenant_id, id),
  add foreign key (tenant_id, audience_router_id) references routers (tenant_id, id);

alter table sms_campaigns drop constraint sms_campaigns_status_check;
alter table sms_campaigns add constraint sms_campaigns_status_check
  check (status in ('draft', 'scheduled', 'running', 'paused', 'done', 'cancelled'));

-- Audience filters look subscriptions up by package, router and expiry within a tenant.
create index subscriptions_tenant_package on subscriptions (tenant_id, package_id);
create index subscriptions_tenant_router on subscriptions (tenant_id, router_id) where router_id is not null;
create index customers_tenant_reseller on customers (tenant_id, reseller_id) where reseller_id is not null;
