-- The review queue's default order, made covering: the capped count and the pages under an
-- `under` filter become index-only scans of the open items alone (issue 9: a page filtered to a
-- broad subtree missed its 20 ms target). Counting to the cap used to be a sequential scan that
-- first read every decided and withdrawn item — a share that only grows as reviewers work — and
-- tested the subtree overlap on each; a bitmap of the GIN index instead builds every match (70k
-- for a subtree holding 70 % of the queue) before stopping at the cap. Walked in this index's
-- order the count stops after the cap's matches, and the columns a filter tests are in the index.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

DROP INDEX review_item_open_margin;
CREATE INDEX review_item_open_margin ON review_item (skips, margin, id)
    INCLUDE (nodes, reason, top_confidence, lease_until, lease_owner) WHERE status = 'open';
