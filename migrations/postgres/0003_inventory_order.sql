-- The inventory list orders by one column with the SKU as tie-break, and
-- filters on lower-cased values: index exactly those, so a page is read in
-- order from an index instead of sorting all products.
create index inventory_by_created_sku on inventory (created_at, sku);
create index inventory_by_updated_sku on inventory (updated_at, sku);
create index inventory_by_price_sku on inventory (price_minor, sku);
create index inventory_by_title_sku on inventory (title, sku);
create index inventory_by_lower_brand on inventory (lower(brand));
create index inventory_by_lower_category on inventory (lower(category));
create index inventory_by_lower_status on inventory (lower(status));
drop index inventory_by_brand;
drop index inventory_by_category;
drop index inventory_by_status;
drop index inventory_by_price;
drop index inventory_by_updated;
