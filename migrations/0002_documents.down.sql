SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

DROP TABLE IF EXISTS document_category;
DROP TABLE IF EXISTS chunk;
DROP FUNCTION IF EXISTS chunk_stats_added();
DROP FUNCTION IF EXISTS chunk_stats_removed();
DROP FUNCTION IF EXISTS chunk_refuse_update();
DROP TABLE IF EXISTS bm25_term;
DROP TABLE IF EXISTS bm25_corpus;
DROP TABLE IF EXISTS document;
