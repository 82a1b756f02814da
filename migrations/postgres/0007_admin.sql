-- The admin site's people and sessions. Not views and not in the log: a
-- password hash or a session has no place in an audit trail that is
-- exported and shown, and nothing is rebuilt from them.

create table users (
    name          text primary key,
    -- argon2id, in the PHC string format.
    password_hash text not null,
    created_at    text not null
);

-- One row per logged-in browser. The cookie holds a random token; only its
-- SHA-256 digest is stored, so a copy of the database opens no session.
create table sessions (
    token_sha256 text primary key,
    user_name    text not null references users (name) on delete cascade,
    -- The token every form of this session must carry back.
    csrf_token   text not null,
    created_at   text not null,
    expires_at   text not null
);
create index sessions_by_expiry on sessions (expires_at);
