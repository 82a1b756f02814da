-- The inventory's free-text search matches anywhere in the SKU, title,
-- brand and model (`search`), which no b-tree index can serve: at 50,000
-- products every search read every row. PostgreSQL has a trigram index
-- (0008); SQLite's FTS5 has a trigram tokenizer, which matches a quoted
-- phrase of three or more characters anywhere in the text.
--
-- An external-content index: it keeps only the trigrams and reads the
-- text from the inventory itself, kept current by the triggers below (the
-- pattern in SQLite's FTS5 documentation). A replay drops the triggers
-- while it refills the inventory and rebuilds the index once at the end
-- (projections/src/replay/sqlite.rs).
create virtual table inventory_search using fts5(
    search,
    content = 'inventory',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);

create trigger inventory_search_insert after insert on inventory begin
    insert into inventory_search (rowid, search) values (new.rowid, new.search);
end;

create trigger inventory_search_delete after delete on inventory begin
    insert into inventory_search (inventory_search, rowid, search)
    values ('delete', old.rowid, old.search);
end;

-- Only when the text changed: most updates are price and stock.
create trigger inventory_search_update after update of search on inventory
when old.search is not new.search begin
    insert into inventory_search (inventory_search, rowid, search)
    values ('delete', old.rowid, old.search);
    insert into inventory_search (rowid, search) values (new.rowid, new.search);
end;

insert into inventory_search (inventory_search) values ('rebuild');
