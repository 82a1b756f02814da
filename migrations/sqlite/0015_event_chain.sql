-- A hash chain over the log, as on PostgreSQL (postgres/0012 defines it):
-- hash(n) = SHA-256(hash(n - 1) || canonical bytes of event n).
--
-- SQLite has no SHA-256 in SQL, so Riff links each event in Rust, in the
-- transaction that appends it (web/src/ledger.rs, through
-- projections/src/log/chain.rs): SQLite has one writer at a time, so the
-- transaction that appends event n + 1 always finds hash(n) committed.
-- The chain is its own append-only table: adding it rewrites no event.
create table events_chain (
    position integer primary key,
    hash     blob    not null check (length(hash) = 32)
) strict;

create trigger events_chain_no_update before update on events_chain
begin
    select raise(abort, 'the log''s hash chain is append-only: UPDATE is not allowed');
end;

create trigger events_chain_no_delete before delete on events_chain
begin
    select raise(abort, 'the log''s hash chain is append-only: DELETE is not allowed');
end;

-- The events already in the log when this migration ran. Riff links them
-- once, right after the migrations (`Db::migrate`), and never links any
-- other event that it did not append itself: an event written around Riff
-- stays without a link, and `riff verify` names it.
create table events_chain_backfill (
    up_to integer not null
) strict;

insert into events_chain_backfill (up_to)
select coalesce(max(position), 0) from events;
