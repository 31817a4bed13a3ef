SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';
DROP FUNCTION IF EXISTS dtrag_client_connections();
DROP FUNCTION IF EXISTS dtrag_slowest_statements(integer, integer);
DROP TABLE IF EXISTS backup_log;
