-- The accounts a demo store offers to sign in as, one per role, written by
-- `mohalla seed --demo`. A store without rows here is not a demo store: its
-- server offers no demo sign-in and mints no token for anyone.
CREATE TABLE demo_accounts (
    role    text PRIMARY KEY,
    user_id text NOT NULL,
    name    text NOT NULL,
    about   text NOT NULL DEFAULT ''
);
