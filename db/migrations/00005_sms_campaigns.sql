-- Bulk SMS campaigns. The smsCampaign workflow (id sms-campaign-<tenant>-<id>) does the sending; each
-- recipient's message is an sms_logs row keyed campaign:<id>:<customerId>, so nobody is messaged twice.
create table sms_campaigns (
  id                uuid primary key default gen_random_uuid(),
  tenant_id         uuid not null references tenants,
  name              text not null check (length(btrim(name)) between 1 and 120),
  -- The text, with {{name}} / {{account}} placeholders filled per customer.
  body              text not null check (length(body) between 1 and 918),
  language          text not null default 'en' check (language in ('en', 'sw')),
  -- Audience: customers of this tenant in any of these statuses.
  audience_statuses text[] not null check (cardinality(audience_statuses) between 1 and 7
                      and audience_statuses <@ array['applied', 'kyc_review', 'rejected', 'installation', 'active', 'suspended', 'terminated']),
  status            text not null default 'draft' check (status in ('draft', 'running', 'paused', 'done', 'cancelled')),
  audience_count    integer check (audience_count >= 0),
  sent_count        integer not null default 0 check (sent_count >= 0),
  failed_count      integer not null default 0 check (failed_count >= 0),
  created_by        uuid references staff,
  created_at        timestamptz not null default now(),
  started_at        timestamptz,
  finished_at       timestamptz,
  updated_at        timestamptz not null default now(),
  unique (tenant_id, id)
);
create index sms_campaigns_tenant on sms_campaigns (tenant_id, created_at desc);
-- Campaign progress counts read sms_logs by key prefix.
create index sms_logs_idempotency_prefix on sms_logs (idempotency_key text_pattern_ops);
