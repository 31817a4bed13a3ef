SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

ALTER TABLE node_state DROP COLUMN IF EXISTS extras;
ALTER TABLE taxonomy_version DROP COLUMN IF EXISTS language;
