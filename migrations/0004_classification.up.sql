-- Classifications as data, and the human review (HITL) queue.
--
-- One row per (document, category) suggestion or decision; `document_category` becomes a view of
-- the rows that count as "classified under" (accepted and auto-accepted), so search scopes and
-- everything else that read the old table read this one. Rows are never deleted by a taxonomy
-- change: a change marks them `superseded` and remembers what they were, so a rollback can put
-- them back.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

-- A queue entry: one document that needs a person, and why.
CREATE TABLE review_item (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id       bigint NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    reason            text NOT NULL
                      CHECK (reason IN ('low_confidence', 'category_removed', 'category_split', 'audit_sample')),
    status            text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'withdrawn')),
    -- Confidence of the top suggestion, and its margin over the second: the queue's default order
    -- puts the smallest margins ("ties to break") first.
    top_confidence    real NOT NULL DEFAULT 0 CHECK (top_confidence BETWEEN 0 AND 1),
    margin            real NOT NULL DEFAULT 0 CHECK (margin BETWEEN 0 AND 1),
    -- How many open items share this item's cause or top category: `--order impact`.
    impact            int NOT NULL DEFAULT 0 CHECK (impact >= 0),
    taxonomy_version  bigint NOT NULL REFERENCES taxonomy_version (version),
    -- For items a publish created (category_removed, category_split): that version, and the
    -- category it was about.
    caused_by_version bigint REFERENCES taxonomy_version (version),
    context_node_id   bigint REFERENCES node (id),
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    lease_owner       text,
    lease_until       timestamptz,
    skips             int NOT NULL DEFAULT 0 CHECK (skips >= 0),
    decision          text CHECK (decision IN ('accept', 'reject', 'reassign')),
    decided_by        text,
    decided_at        timestamptz,
    CHECK ((status = 'decided') = (decision IS NOT NULL)),
    CHECK ((lease_owner IS NULL) = (lease_until IS NULL))
);
-- One open item per document and reason.
CREATE UNIQUE INDEX review_item_open_doc ON review_item (document_id, reason) WHERE status = 'open';
-- The queue's three orders; skipped items go behind the rest.
CREATE INDEX review_item_open_margin ON review_item (skips, margin, id) WHERE status = 'open';
CREATE INDEX review_item_open_created ON review_item (skips, created_at, id) WHERE status = 'open';
CREATE INDEX review_item_open_impact ON review_item (skips, impact DESC, id) WHERE status = 'open';
-- The queue's count and filters without the `under` filter: an index-only scan of open items.
CREATE INDEX review_item_open_filter ON review_item (reason, top_confidence, lease_until, lease_owner)
    WHERE status = 'open';
CREATE INDEX review_item_caused_by ON review_item (caused_by_version) WHERE caused_by_version IS NOT NULL;
CREATE INDEX review_item_decided_at ON review_item (decided_at) WHERE status = 'decided';

CREATE TABLE classification (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id        bigint NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    node_id            bigint NOT NULL REFERENCES node (id),
    confidence         real NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    -- `human`: typed into an import file or decided by a reviewer; `model`: the classifier's.
    source             text NOT NULL CHECK (source IN ('human', 'model')),
    -- How the row came to be: an import file, a reviewer, the classifier (kNN over labelled
    -- documents + category text), a merge that carried it over, a removed category's parent,
    -- a new child of a category that was split.
    method             text NOT NULL
                       CHECK (method IN ('import', 'review', 'classifier', 'merge', 'parent', 'split')),
    model_id           int REFERENCES embedding_model (id) ON DELETE SET NULL,
    taxonomy_version   bigint NOT NULL REFERENCES taxonomy_version (version),
    status             text NOT NULL
                       CHECK (status IN ('auto_accepted', 'pending', 'accepted', 'rejected', 'superseded')),
    -- The queue item this row is a suggestion of (pending rows), or was audited by.
    review_item_id     bigint REFERENCES review_item (id) ON DELETE SET NULL,
    -- Why the classifier suggested it: {"vote": share of the neighbour vote, "text": cosine
    -- similarity to the category's text}.
    evidence           jsonb,
    decided_by         text,
    decided_at         timestamptz,
    created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (status <> 'pending' OR review_item_id IS NOT NULL)
);
-- One live row per (document, category); superseded rows are history.
CREATE UNIQUE INDEX classification_live ON classification (document_id, node_id) WHERE status <> 'superseded';
CREATE INDEX classification_counted_node ON classification (node_id, document_id)
    WHERE status IN ('accepted', 'auto_accepted');
CREATE INDEX classification_item ON classification (review_item_id) WHERE review_item_id IS NOT NULL;
-- The queue's `under` filter: the items suggesting a category of a subtree.
CREATE INDEX classification_suggestion_node ON classification (node_id, review_item_id)
    WHERE review_item_id IS NOT NULL AND status IN ('pending', 'auto_accepted');
CREATE INDEX classification_node_live ON classification (node_id) WHERE status <> 'superseded';

-- What each publish did to classifications and queue items (status before -> after; before is
-- NULL for what it created). A rollback over versions (to, head] restores, per row, the status
-- before the earliest of those versions' changes, unless a person decided the row since.
CREATE TABLE classification_change (
    version           bigint NOT NULL REFERENCES taxonomy_version (version),
    classification_id bigint NOT NULL REFERENCES classification (id) ON DELETE CASCADE,
    before            text,
    after             text NOT NULL,
    PRIMARY KEY (version, classification_id)
);
CREATE INDEX classification_change_row ON classification_change (classification_id);
CREATE TABLE review_item_change (
    version        bigint NOT NULL REFERENCES taxonomy_version (version),
    review_item_id bigint NOT NULL REFERENCES review_item (id) ON DELETE CASCADE,
    before         text,
    after          text NOT NULL,
    PRIMARY KEY (version, review_item_id)
);
CREATE INDEX review_item_change_item ON review_item_change (review_item_id);

-- The old table's rows are human classifications from import files.
INSERT INTO classification (document_id, node_id, confidence, source, method, taxonomy_version, status)
SELECT dc.document_id, dc.node_id, 1, 'human', 'import',
       (SELECT max(version) FROM taxonomy_version), 'accepted'
FROM document_category dc;
DROP TABLE document_category;
CREATE VIEW document_category AS
    SELECT document_id, node_id FROM classification WHERE status IN ('accepted', 'auto_accepted');

-- A reviewer's decision, with exactly what it changed, so `review undo` can put it back.
CREATE TABLE review_decision (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_item_id bigint NOT NULL REFERENCES review_item (id) ON DELETE CASCADE,
    reviewer       text NOT NULL,
    action         text NOT NULL CHECK (action IN ('accept', 'reject', 'reassign')),
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- [{"id": classification id, "before": status or null when the decision created it, "after": status}]
    changes        jsonb NOT NULL,
    undone_at      timestamptz
);
CREATE INDEX review_decision_reviewer ON review_decision (reviewer, id DESC) WHERE undone_at IS NULL;
CREATE INDEX review_decision_item ON review_decision (review_item_id);

-- Category texts embedded per model (label, alt labels, description, path), so the classifier
-- embeds only categories whose text changed since its last run.
CREATE TABLE category_embedding (
    model_id  int NOT NULL REFERENCES embedding_model (id) ON DELETE CASCADE,
    node_id   bigint NOT NULL REFERENCES node (id),
    text_hash text NOT NULL,
    embedding vector NOT NULL,
    PRIMARY KEY (model_id, node_id)
);

-- One classifier run: its calibration and the threshold it chose.
CREATE TABLE classifier_run (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_id            int REFERENCES embedding_model (id) ON DELETE SET NULL,
    taxonomy_version    bigint NOT NULL REFERENCES taxonomy_version (version),
    started_by          text NOT NULL,
    started_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at         timestamptz,
    target_precision    real NOT NULL CHECK (target_precision > 0 AND target_precision <= 1),
    threshold           real CHECK (threshold BETWEEN 0 AND 1),
    estimated_precision real,
    -- The isotonic calibration map and the held-out risk–coverage curve.
    calibration         jsonb NOT NULL DEFAULT '{}'::jsonb,
    documents           int NOT NULL DEFAULT 0,
    auto_accepted       int NOT NULL DEFAULT 0,
    queued              int NOT NULL DEFAULT 0
);
