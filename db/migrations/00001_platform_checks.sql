-- Deployment self-checks (workflow platformCheck): proof that workers reach this database and durable timers fire.
create table platform_checks (
  check_id        text primary key,
  requested_by    text not null,
  started_worker  text not null,
  started_at      timestamptz not null default now(),
  schema_version  integer not null,
  timer_fired_at  timestamptz,
  completed_worker text,
  completed_at    timestamptz,
  constraint platform_checks_completion check ((completed_at is null) = (completed_worker is null))
);
