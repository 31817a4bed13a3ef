SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

DROP INDEX IF EXISTS review_item_open_count;
CREATE INDEX IF NOT EXISTS review_item_open_filter
    ON review_item (reason, top_confidence, lease_until, lease_owner) WHERE status = 'open';
DROP TRIGGER IF EXISTS classification_item_nodes_ins ON classification;
DROP TRIGGER IF EXISTS classification_item_nodes_upd ON classification;
DROP TRIGGER IF EXISTS classification_item_nodes_del ON classification;
DROP TRIGGER IF EXISTS review_item_nodes_own ON review_item;
DROP FUNCTION IF EXISTS review_item_nodes_refresh();
DROP FUNCTION IF EXISTS review_item_nodes_own();
DROP FUNCTION IF EXISTS review_item_nodes_of(bigint, bigint);
DROP INDEX IF EXISTS review_item_open_nodes;
ALTER TABLE review_item DROP COLUMN IF EXISTS nodes;
