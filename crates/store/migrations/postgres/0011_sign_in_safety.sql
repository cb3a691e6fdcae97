-- Issue 12 (security review): per-account login attempts counted and checked in one statement,
-- emailed sign-in links beside reset links, and sign-ups that wait for their email to be
-- confirmed. Same shape as sqlite/0011_sign_in_safety.sql.

-- One row per typed email: attempts since `window_start` that were not (yet) a success. Every
-- login attempt bumps it before the password is checked, so parallel guesses can't overtake it.
CREATE TABLE login_throttle (
    email        TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    attempts     BIGINT NOT NULL
);

-- 'reset' links choose a new password; 'login' links finish logging in (sign-up confirmation,
-- or a correct password from an address with many failures).
ALTER TABLE password_reset ADD COLUMN purpose TEXT NOT NULL DEFAULT 'reset'
    CHECK (purpose IN ('reset', 'login'));

-- A self sign-up logs in by password only once its emailed link was opened (1 = confirmed;
-- everyone who existed before, invited people and CLI accounts are).
ALTER TABLE app_user ADD COLUMN email_confirmed INTEGER NOT NULL DEFAULT 1
    CHECK (email_confirmed IN (0, 1));
