-- Customer messaging preferences (issue 6): the language event SMS are rendered in, and an opt-out from
-- marketing messages (campaigns). Transactional messages (payments, expiry, suspension…) ignore the opt-out.
alter table customers
  add column language             text not null default 'en' check (language in ('en', 'sw')),
  add column marketing_opt_out    boolean not null default false,
  add column marketing_opt_out_at timestamptz,
  add constraint customers_opt_out_at check (marketing_opt_out or marketing_opt_out_at is null);

-- Quiet hours for non-urgent SMS, in minutes after midnight Nairobi time (default 21:00–07:00).
alter table tenants
  add column sms_quiet_start_minute smallint not null default 1260 check (sms_quiet_start_minute between 0 and 1439),
  add column sms_quiet_end_minute   smallint not null default 420 check (sms_quiet_end_minute between 0 and 1439);

-- The SMS log page filters by campaign (key prefix, index from 00005), status and date.
create index sms_logs_tenant_status_created on sms_logs (tenant_id, status, created_at desc);
