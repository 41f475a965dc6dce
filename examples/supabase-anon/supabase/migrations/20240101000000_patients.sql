-- A clinic's patient list, created from the Supabase dashboard's SQL editor.
create table public.patients (
  id uuid primary key default gen_random_uuid(),
  full_name text not null,
  email text not null,
  date_of_birth date,
  diagnosis text,
  created_at timestamptz not null default now()
);

-- "The app could not read the table", so row-level security was switched off...
alter table patients disable row level security;

-- ...and the browser's anonymous key was given read access.
grant select on patients to anon;
