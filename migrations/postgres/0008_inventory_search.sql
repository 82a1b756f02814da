-- The inventory's free-text search matches anywhere in the SKU, title,
-- brand and model (`search like '%…%'`), which no b-tree index can serve:
-- at 50,000 products every search read every row. A trigram index can.
-- pg_trgm ships with PostgreSQL and is a trusted extension, so the
-- database's owner may create it. SQLite has no such index; it scans,
-- which is quick at a single shop's size.
create extension if not exists pg_trgm;
create index inventory_by_search on inventory using gin (search gin_trgm_ops);
