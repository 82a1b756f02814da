-- The log: every event of every aggregate, in one table. The first seven
-- columns are the ones sqlite-es reads and writes; the rest are Riff's.
create table events (
    aggregate_type text    not null,
    aggregate_id   text    not null,
    sequence       integer not null check (sequence >= 0),
    event_type     text    not null,
    event_version  text    not null,
    payload        text    not null,
    metadata       text    not null,
    -- The global order of the log. SQLite has one writer at a time and a
    -- write transaction holds the lock until it commits, so positions are
    -- handed out in commit order and a reader can never skip one.
    position       integer unique,
    recorded_at    text    not null default (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- A second writer of the same sequence fails here; sqlite-es reports it
    -- as an optimistic-lock conflict and Riff retries on fresh state.
    primary key (aggregate_type, aggregate_id, sequence)
) strict;

-- SQLite cannot default a column from a sequence, so the row's rowid (one
-- more than the largest so far; rows are never deleted) becomes its
-- position in the same statement that inserts it.
create trigger events_assign_position after insert on events
begin
    update events set position = new.rowid where rowid = new.rowid;
end;

-- The log is append-only by construction. The only update ever allowed is
-- the one above, which gives a just-inserted row its position.
create trigger events_no_update before update on events
    when old.position is not null
begin
    select raise(abort, 'the events table is append-only: UPDATE is not allowed');
end;

create trigger events_no_delete before delete on events
begin
    select raise(abort, 'the events table is append-only: DELETE is not allowed');
end;
