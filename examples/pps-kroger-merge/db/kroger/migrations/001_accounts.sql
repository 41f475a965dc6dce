-- Kroger customer accounts, served by the public member directory.
CREATE TABLE accounts (
  id bigserial PRIMARY KEY,
  display_name text NOT NULL,
  username text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
