-- A hash chain over the log, so that a rewritten event is seen even when
-- the triggers that refuse rewrites were disabled by the table's owner:
--
--     hash(n) = SHA-256(hash(n - 1) || canonical bytes of event n)
--
-- with 32 zero bytes before the first event. The canonical bytes are the
-- event's position, aggregate type and id, sequence, event type and
-- version, payload and metadata (as stored), and recorded_at (UTC,
-- RFC 3339 with microseconds), each written as a netstring
-- (`<byte length>:<bytes>,`), so no two different events share them.
-- `riff verify` walks the chain in Rust with the same definition
-- (projections/src/log/chain.rs); `riff verify` prints the head hash to
-- keep somewhere else.
--
-- The chain is its own append-only table rather than a column of
-- `events`: adding it rewrites no event.
create table events_chain (
    position bigint primary key,
    hash     bytea  not null check (octet_length(hash) = 32)
);

create function events_canonical(
    at_position bigint, of_type text, of_id text, at_sequence bigint,
    named text, version text, body json, meta json, recorded timestamptz
) returns bytea
language sql stable as $$
    select convert_to(
        octet_length(at_position::text) || ':' || at_position::text || ',' ||
        octet_length(of_type) || ':' || of_type || ',' ||
        octet_length(of_id) || ':' || of_id || ',' ||
        octet_length(at_sequence::text) || ':' || at_sequence::text || ',' ||
        octet_length(named) || ':' || named || ',' ||
        octet_length(version) || ':' || version || ',' ||
        octet_length(body::text) || ':' || body::text || ',' ||
        octet_length(meta::text) || ':' || meta::text || ',' ||
        octet_length(to_char(recorded at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) || ':' ||
            to_char(recorded at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || ',',
        'UTF8')
$$;

-- The existing log, linked once in position order, with no append
-- (from a Riff still running the older binary) coming between.
lock table events in exclusive mode;

do $$
declare
    e events%rowtype;
    link bytea := '\x0000000000000000000000000000000000000000000000000000000000000000';
begin
    for e in select * from events order by position loop
        link := sha256(link || events_canonical(e.position, e.aggregate_type, e.aggregate_id,
            e.sequence, e.event_type, e.event_version, e.payload, e.metadata, e.recorded_at));
        insert into events_chain (position, hash) values (e.position, link);
    end loop;
end;
$$;

-- Each append now links its event in the statement that inserts it.
-- Appends now take their turn: each appending transaction takes an
-- exclusive lock before its first position and holds it until it commits
-- or rolls back, so event n's transaction has committed before event n + 1
-- is given a position, and the newest link is there to read (this
-- function is volatile, so each of its statements sees what committed
-- before it). The key is in the two-integer form of Riff's own locks
-- ("riff" in ASCII, and 3); single-bigint keys are the position floors.
-- Positions are now handed out in commit order too; the floors stay, as
-- readers still read them.
create or replace function events_assign_position() returns trigger
language plpgsql as $$
declare
    link bytea;
begin
    if current_setting('riff.chain_turn_held', true) is distinct from 'yes' then
        -- The newest link is read after the turn is taken; only READ
        -- COMMITTED sees what committed while this transaction waited.
        if current_setting('transaction_isolation') <> 'read committed' then
            raise exception 'events are appended in READ COMMITTED transactions only (this one is %); the log''s hash chain depends on it', current_setting('transaction_isolation');
        end if;
        perform pg_advisory_xact_lock(1919510118, 3);
        perform set_config('riff.chain_turn_held', 'yes', true);
    end if;
    if current_setting('riff.position_floor_held', true) is distinct from 'yes' then
        perform pg_advisory_xact_lock_shared(
            coalesce(pg_sequence_last_value('events_position_seq'), 0));
        perform set_config('riff.position_floor_held', 'yes', true);
    end if;
    if current_setting('riff.keep_positions', true) = 'yes' and new.position is not null then
        -- A copy or a restore (`riff store copy`, `riff restore`) keeps each
        -- event's original position, in order, so that its link comes out
        -- the same; the sequence follows. The end of the log is the newest
        -- link (committed, or this transaction's own: the turn is held), not
        -- the sequence, which a rolled-back attempt leaves moved on.
        if new.position <= coalesce((select max(position) from events_chain), 0) then
            raise exception 'position % is not after the end of the log', new.position;
        end if;
        perform setval('events_position_seq', greatest(new.position,
            coalesce(pg_sequence_last_value('events_position_seq'), 0)));
    else
        new.position := nextval('events_position_seq');
    end if;
    select hash into link from events_chain order by position desc limit 1;
    link := sha256(coalesce(link, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
        || events_canonical(new.position, new.aggregate_type, new.aggregate_id, new.sequence,
            new.event_type, new.event_version, new.payload, new.metadata, new.recorded_at));
    insert into events_chain (position, hash) values (new.position, link);
    return new;
end;
$$;

create function events_chain_refuse_change() returns trigger
language plpgsql as $$
begin
    raise exception 'the log''s hash chain is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger events_chain_no_update before update on events_chain
    for each row execute function events_chain_refuse_change();
create trigger events_chain_no_delete before delete on events_chain
    for each row execute function events_chain_refuse_change();
create trigger events_chain_no_truncate before truncate on events_chain
    for each statement execute function events_chain_refuse_change();
