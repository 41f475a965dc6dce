-- Postal Prescription Services: the mail-order pharmacy's patient records.
-- Medication and date of birth are written with pgp_sym_encrypt by the pharmacy service.
CREATE TABLE patients (
  id bigint PRIMARY KEY,
  full_name text NOT NULL,
  email text NOT NULL,
  date_of_birth bytea NOT NULL,
  medication bytea,
  prescriber text,
  created_at timestamptz NOT NULL DEFAULT now()
);
