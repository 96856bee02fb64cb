-- Sign-in throttling by client, and "sign out everywhere" (issue 19).

-- Failed sign-ins are counted per client address and per (email, client)
-- pair, never per account: an account-wide count let a stranger lock an
-- organisation out.
ALTER TABLE login_failures ADD COLUMN client text NOT NULL DEFAULT '';
ALTER TABLE login_failures DROP COLUMN account_id;
DROP INDEX login_failures_email_idx;
CREATE INDEX login_failures_client_idx ON login_failures (client, failed_at);
-- The periodic clean-up deletes by age alone.
CREATE INDEX login_failures_failed_at_idx ON login_failures (failed_at);

-- A session is valid only while it carries its user's current generation;
-- "sign out everywhere" moves the generation on.
ALTER TABLE users ADD COLUMN session_generation integer NOT NULL DEFAULT 1;
