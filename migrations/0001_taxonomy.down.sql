SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

DROP TABLE IF EXISTS audit_log;
DROP FUNCTION IF EXISTS audit_log_refuse_change();
DROP TABLE IF EXISTS edge;
DROP FUNCTION IF EXISTS edge_no_overlap();
DROP TABLE IF EXISTS node_state;
DROP FUNCTION IF EXISTS node_state_no_overlap();
DROP TABLE IF EXISTS node;
DROP TABLE IF EXISTS taxonomy_version;
-- Extensions are left in place: other schemas of the same database may use them.
