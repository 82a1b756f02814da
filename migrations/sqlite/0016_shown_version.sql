-- The version of the product each listing last showed (issue 23): the
-- sagas leave alone a listing that shows the product's current version,
-- and the product page and API say which listings are up to date. Listings
-- published before Riff kept it have none (their events do not carry it):
-- the next edit revises them, as it always did, and records it.
alter table listing_index add column shown_version integer;

-- Why the platform refused the last revision, until one succeeds: the
-- product page says "revision failed: …" beside the listing, with Retry.
alter table listing_index add column revise_error text;

-- The stock a waiting revision asks for: edits gather for RIFF_REVISE_DELAY
-- before a listing is revised, but fewer units than the platform shows
-- (a sale elsewhere) are sent at once.
alter table listing_index add column revise_quantity integer;

-- The title Riff last sent each listing: a reconcile reports a title
-- edited on the platform as drift.
alter table listing_index add column published_title text;
