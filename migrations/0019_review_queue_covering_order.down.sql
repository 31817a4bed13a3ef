SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

DROP INDEX review_item_open_margin;
CREATE INDEX review_item_open_margin ON review_item (skips, margin, id) WHERE status = 'open';
