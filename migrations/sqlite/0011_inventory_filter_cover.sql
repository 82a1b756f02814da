-- A brand or a category holds a sixth or a third of a shop: filtering by
-- one and sorting by another column made SQLite read each of those
-- thousands of products from the table just to sort them (12–17 ms at
-- 50,000 products, before eight clients queued behind each other). With
-- the sort columns in the filter's index, the inventory page finds its
-- fifty SKUs in the index alone and reads only those fifty rows (1–2 ms;
-- `view::inventory::page` asks in that shape). PostgreSQL's planner walks
-- the sort's own index instead, and needs none of this.
drop index inventory_by_lower_brand;
create index inventory_by_lower_brand
    on inventory (lower(brand), price_minor, created_at, updated_at, title, sku);
drop index inventory_by_lower_category;
create index inventory_by_lower_category
    on inventory (lower(category), price_minor, created_at, updated_at, title, sku);
