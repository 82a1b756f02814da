-- `insert or replace into events` rewrote an event silently: REPLACE
-- deletes the row it collides with, and that delete fires no trigger while
-- `recursive_triggers` is off (SQLite's default, and a plain sqlite3
-- shell's). A BEFORE INSERT check cannot stop it without also turning the
-- primary-key violation that tells sqlite-es "optimistic-lock conflict"
-- (1555) into a trigger's error, so the check runs after the insert
-- instead: a plain duplicate has failed on the key by then, and only a
-- REPLACE reaches it.
--
-- It needs to remember what was there. Each aggregate's highest sequence
-- is kept in `events_heads`; an event at or below it is a replaced one.
-- (Events of an aggregate are appended in sequence order, one more each
-- time.) The heads are append-only like the log.
create table events_heads (
    aggregate_type text    not null,
    aggregate_id   text    not null,
    sequence       integer not null,
    primary key (aggregate_type, aggregate_id)
) strict, without rowid;

insert into events_heads (aggregate_type, aggregate_id, sequence)
select aggregate_type, aggregate_id, max(sequence)
from events
group by aggregate_type, aggregate_id;

create trigger events_no_replace after insert on events
begin
    select raise(abort, 'the events table is append-only: INSERT OR REPLACE is not allowed')
    where new.sequence <= (
        select sequence from events_heads
        where aggregate_type = new.aggregate_type and aggregate_id = new.aggregate_id
    );
    update events_heads set sequence = new.sequence
    where aggregate_type = new.aggregate_type and aggregate_id = new.aggregate_id;
    insert into events_heads (aggregate_type, aggregate_id, sequence)
    select new.aggregate_type, new.aggregate_id, new.sequence
    where not exists (
        select 1 from events_heads
        where aggregate_type = new.aggregate_type and aggregate_id = new.aggregate_id
    );
end;

create trigger events_heads_no_delete before delete on events_heads
begin
    select raise(abort, 'events_heads is append-only: DELETE is not allowed');
end;

create trigger events_heads_only_forward before update on events_heads
    when new.sequence <= old.sequence
begin
    select raise(abort, 'events_heads only moves forward');
end;
