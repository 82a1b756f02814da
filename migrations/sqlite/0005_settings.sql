-- The settings view: how each inventory dropdown is ordered, as last set
-- through the Settings aggregate. A dropdown not listed is ordered by count.
create table dropdown_sort (
    field      text primary key,
    sort_order text not null
);

-- For "listed on" filters and the per-platform counts.
create index product_listings_by_platform on product_listings (platform, status, sku);
