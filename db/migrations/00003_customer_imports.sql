-- Bulk customer import is two steps: upload (validate, preview) and confirm. The validated rows wait
-- here between the two, so confirming re-reads exactly what staff previewed and never re-parses a file.
create table customer_imports (
  id          uuid primary key default gen_random_uuid(),
  tenant_id   uuid not null references tenants,
  staff_id    uuid not null references staff,
  filename    text not null check (length(filename) between 1 and 255),
  total_rows  integer not null check (total_rows >= 0),
  valid_rows  jsonb not null default '[]' check (jsonb_typeof(valid_rows) = 'array'),
  errors      jsonb not null default '[]' check (jsonb_typeof(errors) = 'array'),
  status      text not null default 'pending' check (status in ('pending', 'imported', 'discarded')),
  imported    integer check (imported >= 0),
  created_at  timestamptz not null default now(),
  imported_at timestamptz,
  unique (tenant_id, id),
  check ((status = 'imported') = (imported_at is not null and imported is not null))
);
create index customer_imports_tenant on customer_imports (tenant_id, created_at desc);
