-- Mail-order pharmacy fulfilment: patients and the prescriptions filled for them.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE patients (
  id uuid PRIMARY KEY,
  full_name text NOT NULL,
  date_of_birth date NOT NULL,
  legacy_ssn text
);

CREATE TABLE fills (
  id uuid PRIMARY KEY,
  patient_id uuid NOT NULL REFERENCES patients (id),
  medication text NOT NULL,
  prescriber_name text,
  filled_at timestamptz NOT NULL DEFAULT now()
);

-- Social security numbers are kept only encrypted: move the imported values and drop the plain ones.
ALTER TABLE patients ADD COLUMN ssn bytea;
UPDATE patients SET ssn = pgp_sym_encrypt(legacy_ssn, current_setting('app.pii_key'));
ALTER TABLE patients DROP COLUMN legacy_ssn;
