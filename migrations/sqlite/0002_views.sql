-- Views are projections of the log: each can be dropped and rebuilt from
-- position zero. Their SQL is the same on both backends (see
-- projections/src/view), so these tables use types both understand.

-- How far each view has applied the log; written in the same transaction as
-- the view's rows, so a view is never ahead of or behind its checkpoint.
create table projection_checkpoints (
    view     text   primary key,
    position bigint not null
);

-- One row per product: the inventory list and the head of the product page.
create table inventory (
    sku         text   primary key,
    title       text   not null,
    brand       text   not null,
    model       text   not null,
    year        bigint,
    finish      text,
    category    text   not null,
    condition   text   not null,
    description text,
    -- Price in minor units (pence), for sorting and sums.
    price_minor bigint not null,
    currency    text   not null,
    quantity    bigint not null,
    status      text   not null,
    -- How many events the product has: what expected_version is checked
    -- against.
    version     bigint not null,
    -- The product's media, as a JSON array, in display order.
    media       text   not null,
    -- Lower-cased SKU, title, brand and model: what `q` searches.
    search      text   not null,
    -- RFC 3339 UTC with microseconds, so text order is time order.
    created_at  text   not null,
    updated_at  text   not null
);
create index inventory_by_brand on inventory (brand);
create index inventory_by_category on inventory (category);
create index inventory_by_status on inventory (status);
create index inventory_by_price on inventory (price_minor);
create index inventory_by_updated on inventory (updated_at);

-- One row per listing: the per-platform rows of the product page.
create table product_listings (
    listing_id   text primary key,
    -- Null for a listing found on a platform and not yet linked.
    sku          text,
    platform     text not null,
    status       text not null,
    external_id  text,
    url          text,
    -- What last happened to it, in words ("listed", the platform's error…).
    last_outcome text not null,
    updated_at   text not null
);
create index product_listings_by_sku on product_listings (sku);

-- Riff's own settings (the API token's digest, …).
create table settings (
    key   text primary key,
    value text not null
);

-- Counters that must never hand out a number twice (generated SKUs).
create table counters (
    name  text   primary key,
    value bigint not null
);
