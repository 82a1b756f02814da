-- The order number the seller sees on the platform (eBay's OrderID, Reverb's
-- order_number, Shopify's order name) beside the line reference that keeps a
-- sale from being counted twice: an owner looks an order up by its number.
-- Sales recorded before Riff kept it have none until a replay of the sales
-- view reads it from the events that carry it.
alter table sales add column order_number text;
