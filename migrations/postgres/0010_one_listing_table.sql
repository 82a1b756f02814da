-- The product page's listings (`product_listings`) and the sync engine's
-- listing index were two views folding the same listing events into one
-- row per listing: every listing written twice, and a replay of a shop's
-- history paying for both tables and their indexes. The listing index now
-- keeps what the product page shows as well — where the listing is, what
-- last happened to it and when — and the product listings table goes.
alter table listing_index add column url text;
alter table listing_index add column last_outcome text not null default '';
alter table listing_index add column updated_at text not null default '';

-- The projector applies both views in one transaction, so they stand at
-- the same position: the product listings' values are the listing index's.
update listing_index
set url = p.url, last_outcome = p.last_outcome, updated_at = p.updated_at
from product_listings p
where p.listing_id = listing_index.listing_id;

-- For "listed on" filters, the per-platform counts and a platform's
-- listings. Building an index sorts its rows, and a sort that starts on a
-- column of a few values (the platform, the status) compares nearly every
-- pair of rows on the next column too: these were the slowest indexes of a
-- replay to build (BENCHMARKS.md). So the SKU comes before the status, and
-- the uniqueness of (platform, external id) is kept by an index that leads
-- with the external id.
create index listing_index_by_platform on listing_index (platform, sku, status);
drop index listing_index_by_external;
create unique index listing_index_by_external on listing_index (external_id, platform);

-- The effects worker asks for the listings that wait for a marketplace
-- call — a handful — every few seconds. An index of only those rows answers
-- it, where an index of every listing's status did not (most are live);
-- its predicate is the worker's query, word for word, which is what lets
-- SQLite use it (`listing_index::awaiting_effects`).
drop index listing_index_by_status;
create index listing_index_awaiting on listing_index (listing_id)
where status in ('pending', 'ending') or (status = 'live' and revise_pending = 1);

drop table product_listings;
delete from projection_checkpoints where view = 'product_listings';
