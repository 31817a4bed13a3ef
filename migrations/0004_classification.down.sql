SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

-- Back to the plain document–category table: the rows that counted as "classified under".
DROP VIEW IF EXISTS document_category;
CREATE TABLE document_category (
    document_id bigint NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    node_id     bigint NOT NULL REFERENCES node (id),
    PRIMARY KEY (document_id, node_id)
);
CREATE INDEX document_category_node ON document_category (node_id);
INSERT INTO document_category (document_id, node_id)
SELECT DISTINCT document_id, node_id FROM classification WHERE status IN ('accepted', 'auto_accepted');

DROP TABLE IF EXISTS classifier_run;
DROP TABLE IF EXISTS category_embedding;
DROP TABLE IF EXISTS review_decision;
DROP TABLE IF EXISTS classification_change;
DROP TABLE IF EXISTS review_item_change;
DROP TABLE IF EXISTS classification;
DROP TABLE IF EXISTS review_item;
