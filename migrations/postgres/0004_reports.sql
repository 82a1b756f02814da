-- The review queue, the sales report and the audit trail: views of the log
-- like the others, in SQL both backends share.

-- One row per flag, named by the position of the event that raised it.
create table flags (
    id             bigint primary key,
    kind           text   not null,
    aggregate_type text   not null,
    aggregate_id   text   not null,
    -- The raising event's sequence within its aggregate: what resolving
    -- names.
    sequence       bigint not null,
    message        text   not null,
    raised_at      text   not null,
    status         text   not null,
    resolved_at    text,
    resolved_by    text,
    note           text
);
create index flags_by_status on flags (status, id);
create index flags_by_aggregate on flags (aggregate_type, aggregate_id, sequence);

-- Every sale of every product, including oversells (status 'conflict').
create table sales (
    sku         text   not null,
    channel     text   not null,
    order_ref   text   not null,
    sold_at     text   not null,
    price_minor bigint not null,
    currency    text   not null,
    quantity    bigint not null,
    status      text   not null,
    -- 'YYYY-MM' of sold_at, for the monthly totals.
    month       text   not null,
    primary key (sku, channel, order_ref)
);
create index sales_by_time on sales (sold_at);

-- One row per event, with its metadata unpacked and a one-line summary.
create table audit (
    position       bigint primary key,
    aggregate_type text   not null,
    aggregate_id   text   not null,
    -- The product the event concerns (a listing's product, once linked).
    sku            text,
    event_type     text   not null,
    actor          text,
    source         text,
    correlation_id text,
    recorded_at    text   not null,
    summary        text   not null
);
create index audit_by_sku on audit (sku, position);
create index audit_by_type on audit (event_type, position);
create index audit_by_correlation on audit (correlation_id);
create index audit_by_time on audit (recorded_at);

-- The audit view's own memory of which product and platform each listing
-- belongs to, so that a listing's later events can be summarised.
create table audit_listings (
    listing_id text primary key,
    sku        text,
    platform   text not null
);
