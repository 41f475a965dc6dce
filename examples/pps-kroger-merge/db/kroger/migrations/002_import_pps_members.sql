-- The merge: give every PPS member a Kroger account made from their patient record.
INSERT INTO kroger.accounts (display_name, username)
SELECT p.full_name, p.email
FROM pps.patients p;
