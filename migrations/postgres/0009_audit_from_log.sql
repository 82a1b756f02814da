-- The audit is read from the log itself (projections/src/audit.rs): its
-- copy of every event, and that copy's memory of each listing, go. They
-- were views, rebuilt from the log, so nothing is lost with them.
drop table audit;
drop table audit_listings;
delete from projection_checkpoints where view = 'audit';

-- What the audit's filters read. A product's events, and its listings',
-- are found by the primary key; actor and source are read along the log.
create index events_by_type on events (event_type, position);
create index events_by_correlation on events ((metadata ->> 'correlation_id'));
create index events_by_time on events (recorded_at);
