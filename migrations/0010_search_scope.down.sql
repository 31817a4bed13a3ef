SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

DROP TRIGGER IF EXISTS chunk_search_scope_ins ON chunk;
DROP TRIGGER IF EXISTS chunk_search_scope_del ON chunk;
DROP TRIGGER IF EXISTS classification_search_scope_ins ON classification;
DROP TRIGGER IF EXISTS classification_search_scope_upd ON classification;
DROP TRIGGER IF EXISTS classification_search_scope_del ON classification;
DROP FUNCTION IF EXISTS search_scope_chunked();
DROP FUNCTION IF EXISTS search_scope_classified();
DROP FUNCTION IF EXISTS search_scope_chunks(bigint, bigint[]);
DROP FUNCTION IF EXISTS search_scope_refresh(bigint[]);
DROP FUNCTION IF EXISTS search_scope_lock_key();
DROP FUNCTION IF EXISTS search_scope_capacity();
DROP TABLE IF EXISTS search_scope_node;
DROP TABLE IF EXISTS search_scope;
