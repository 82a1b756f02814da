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

-- For "listed on" filters and the per-platform counts, as before.
create index listing_index_by_platform on listing_index (platform, status, sku);

drop table product_listings;
delete from projection_checkpoints where view = 'product_listings';
