-- The audit is read from the log itself (projections/src/audit.rs): its
-- copy of every event, and that copy's memory of each listing, go. They
-- were views, rebuilt from the log, so nothing is lost with them.
drop table audit;
drop table audit_listings;
delete from projection_checkpoints where view = 'audit';

-- What the audit's filters read, each in position order so that a page is
-- one index range. A product's events, and its listings', are found by
-- the primary key.
create index events_by_type on events (event_type, position);
create index events_by_actor on events ((metadata ->> 'actor'), position);
create index events_by_source on events ((metadata ->> 'source'), position);
create index events_by_correlation on events ((metadata ->> 'correlation_id'), position);
create index events_by_time on events (recorded_at);
