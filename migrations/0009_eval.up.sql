-- Retrieval evaluation (issue 13): golden sets kept by name so a run can be repeated, the last
-- result of each set per agent and taxonomy version, and the fusion tuned per embedding model.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

CREATE TABLE golden_set (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$'),
    -- [{"query", "relevant": [document source ids], "under": [keys]}], checked on the way in.
    queries    jsonb NOT NULL CHECK (jsonb_typeof(queries) = 'array'),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Only the last result per (set, agent or none, version) is kept: a run replaces it.
CREATE TABLE eval_result (
    golden_set_id    bigint NOT NULL REFERENCES golden_set (id) ON DELETE CASCADE,
    agent_id         bigint REFERENCES agent (id) ON DELETE CASCADE,
    taxonomy_version bigint NOT NULL REFERENCES taxonomy_version (version),
    report           jsonb NOT NULL,
    run_by           text NOT NULL,
    run_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT eval_result_one UNIQUE NULLS NOT DISTINCT (golden_set_id, agent_id, taxonomy_version)
);

-- What `dtrag eval search --tune` chose for a model: searches that name no fusion use it.
CREATE TABLE search_tuning (
    model_id      int PRIMARY KEY REFERENCES embedding_model (id) ON DELETE CASCADE,
    method        text NOT NULL CHECK (method IN ('rrf', 'minmax', 'zscore')),
    evidence      boolean NOT NULL,
    bm25_weight   double precision NOT NULL CHECK (bm25_weight >= 0),
    vector_weight double precision NOT NULL CHECK (vector_weight >= 0),
    golden_set    text NOT NULL,
    -- The tuning objective (mean nDCG@k) the choice reached on that set.
    objective     double precision NOT NULL,
    tuned_by      text NOT NULL,
    tuned_at      timestamptz NOT NULL DEFAULT now()
);
