-- The sync engine's tables.

-- The listing index: every listing by id, by (platform, external id) and by
-- product, with what the sync engine needs to decide — what Riff last
-- published (drift is measured against it), whether an update is waiting,
-- which orders are recorded. A view like the others: rebuilt by replay.
create table listing_index (
    listing_id            text   primary key,
    platform              text   not null,
    external_id           text,
    -- Null for a listing found on a platform and not linked to a product.
    sku                   text,
    status                text   not null,
    published_price_minor bigint,
    published_currency    text,
    published_quantity    bigint,
    -- 1 when the product's price or quantity changed and the listing has
    -- not been updated yet.
    revise_pending        bigint not null,
    -- JSON arrays: order references recorded; drift reported and open, as
    -- [field, platform value] pairs.
    orders                text   not null,
    drift                 text   not null,
    -- Why the listing is being ended, and since when, while it is.
    end_reason            text,
    end_requested_at      text
);
-- One Riff listing per platform listing: nothing is imported twice.
create unique index listing_index_by_external on listing_index (platform, external_id);
create index listing_index_by_sku on listing_index (sku);
create index listing_index_by_status on listing_index (status);

-- One row per reconcile run; `reports` is a JSON object of the per-platform
-- figures, by platform.
create table sync_runs (
    run_id      text primary key,
    trigger     text not null,
    platforms   text not null,
    reports     text not null,
    started_at  text not null,
    finished_at text
);
create index sync_runs_by_start on sync_runs (started_at);

-- The latest outcome per platform, for the settings page and /metrics.
create table platform_sync (
    platform        text primary key,
    last_run_id     text not null,
    last_synced_at  text not null,
    last_success_at text,
    last_error      text
);

-- Not a view: the effects worker's own bookkeeping of attempts at calling a
-- marketplace. A row exists from just before the first call until the
-- outcome is in the log, so after a crash the worker knows that a publish
-- may have reached the platform and must be looked for before it is retried.
create table effect_attempts (
    listing_id      text   not null,
    kind            text   not null,
    attempts        bigint not null,
    next_attempt_at text   not null,
    last_error      text,
    primary key (listing_id, kind)
);
