-- The log: every event of every aggregate, in one table. The first seven
-- columns are the ones postgres-es reads and writes; the rest are Riff's.
create table events (
    aggregate_type text   not null,
    aggregate_id   text   not null,
    sequence       bigint not null check (sequence >= 0),
    event_type     text   not null,
    event_version  text   not null,
    payload        json   not null,
    metadata       json   not null,
    -- The global order of the log, set by events_assign_position below.
    position       bigint not null,
    -- The appending transaction: the events one command appended share it.
    xid            xid8   not null default pg_current_xact_id(),
    recorded_at    timestamptz not null default now(),
    -- A second writer of the same sequence fails here; postgres-es reports
    -- it as an optimistic-lock conflict and Riff retries on fresh state.
    primary key (aggregate_type, aggregate_id, sequence)
);

create sequence events_position_seq as bigint owned by events.position;
create unique index events_by_position on events (position);

-- Positions come from a sequence, so they are handed out when a row is
-- inserted but become visible only when its transaction commits: a reader
-- that saw position 12 may later find 11 commit. To never skip 11, every
-- appending transaction announces, before it takes its first position, the
-- highest position already handed out (its "floor": all of its own
-- positions will be above it) by holding a shared transaction-level advisory
-- lock on that number until it commits or rolls back. Readers stop at the
-- lowest floor still announced (events_safe_position). This is the
-- in-flight announcement that disintegrate uses; see ARCHITECTURE.md.
--
-- Advisory locks on a single bigint key (objsubid = 1 in pg_locks) are
-- reserved for these announcements; Riff's other advisory locks use the
-- two-integer form.
create function events_assign_position() returns trigger
language plpgsql as $$
begin
    if current_setting('riff.position_floor_held', true) is distinct from 'yes' then
        perform pg_advisory_xact_lock_shared(
            coalesce(pg_sequence_last_value('events_position_seq'), 0));
        perform set_config('riff.position_floor_held', 'yes', true);
    end if;
    new.position := nextval('events_position_seq');
    return new;
end;
$$;

create trigger events_assign_position
    before insert on events
    for each row execute function events_assign_position();

-- The highest position below which every event is either committed and
-- visible, or rolled back for good. The sequence is read before the locks:
-- a writer that took a position at or below `allocated` announced its floor
-- before taking it, so its lock is seen here if it is still in flight.
-- Call this in its own statement, then read events in a later one, so that
-- the read's snapshot is newer than the bound.
create function events_safe_position() returns bigint
language plpgsql volatile as $$
declare
    allocated bigint := coalesce(pg_sequence_last_value('events_position_seq'), 0);
    lowest_floor bigint;
begin
    select min((classid::bigint << 32) | objid::bigint)
      into lowest_floor
      from pg_locks
     where locktype = 'advisory'
       and objsubid = 1
       and database = (select oid from pg_database where datname = current_database());
    return least(allocated, coalesce(lowest_floor, allocated));
end;
$$;

-- The log is append-only by construction.
create function events_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'the events table is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger events_no_update before update on events
    for each row execute function events_refuse_change();
create trigger events_no_delete before delete on events
    for each row execute function events_refuse_change();
create trigger events_no_truncate before truncate on events
    for each statement execute function events_refuse_change();
