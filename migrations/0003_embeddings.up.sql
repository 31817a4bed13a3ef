-- Embedding models and their vectors, and BM25 postings.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

-- A model whose vectors are stored. Several may coexist; `is_default` marks the one searches use
-- when none is named. The HNSW settings are per model: its index is a partial index over
-- `chunk_embedding` for that model only (see src/embed/store.rs), built by `dtrag models index`.
CREATE TABLE embedding_model (
    id                   int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                 text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$'),
    provider             text NOT NULL CHECK (provider IN ('local', 'openai')),
    -- pgvector indexes `vector` up to 2,000 dimensions.
    dims                 int NOT NULL CHECK (dims BETWEEN 1 AND 2000),
    -- Provider settings (the OpenAI-compatible endpoint's base URL, model, batching); never a key.
    config               jsonb NOT NULL DEFAULT '{}'::jsonb,
    hnsw_m               int NOT NULL DEFAULT 16 CHECK (hnsw_m BETWEEN 2 AND 100),
    hnsw_ef_construction int NOT NULL DEFAULT 64 CHECK (hnsw_ef_construction BETWEEN 4 AND 1000),
    hnsw_ef_search       int NOT NULL DEFAULT 100 CHECK (hnsw_ef_search BETWEEN 1 AND 1000),
    is_default           boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    CHECK (hnsw_ef_construction >= 2 * hnsw_m)
);
CREATE UNIQUE INDEX embedding_model_one_default ON embedding_model (is_default) WHERE is_default;

-- One vector per (model, chunk). The column is dimensionless so models of any size share the
-- table; the per-model index casts to the model's dimension, which also refuses a vector of the
-- wrong size for that model.
CREATE TABLE chunk_embedding (
    model_id  int NOT NULL REFERENCES embedding_model (id) ON DELETE CASCADE,
    chunk_id  bigint NOT NULL REFERENCES chunk (id) ON DELETE CASCADE,
    embedding vector NOT NULL,
    PRIMARY KEY (model_id, chunk_id)
);
CREATE INDEX chunk_embedding_chunk ON chunk_embedding (chunk_id);

-- BM25 postings: one row per (term, chunk) with the term frequency and the chunk length, so a
-- query reads only its terms' postings (an index-only scan) instead of unnesting every candidate
-- chunk's tsvector. Kept by the same statement-level triggers as the statistics.
CREATE TABLE bm25_posting (
    term     text NOT NULL,
    chunk_id bigint NOT NULL,
    tf       real NOT NULL CHECK (tf > 0),
    len      int NOT NULL CHECK (len >= 0),
    PRIMARY KEY (term, chunk_id) INCLUDE (tf, len)
);
INSERT INTO bm25_posting (term, chunk_id, tf, len)
SELECT u.lexeme, c.id, coalesce(array_length(u.positions, 1), 1), c.length
FROM chunk c CROSS JOIN LATERAL unnest(c.tsv) AS u;

CREATE OR REPLACE FUNCTION chunk_stats_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bm25_term (term, df)
    SELECT u.lexeme, count(*) FROM added a CROSS JOIN LATERAL unnest(a.tsv) AS u GROUP BY u.lexeme
    ON CONFLICT (term) DO UPDATE SET df = bm25_term.df + EXCLUDED.df;
    INSERT INTO bm25_posting (term, chunk_id, tf, len)
    SELECT u.lexeme, a.id, coalesce(array_length(u.positions, 1), 1), a.length
    FROM added a CROSS JOIN LATERAL unnest(a.tsv) AS u;
    UPDATE bm25_corpus
    SET chunks = chunks + (SELECT count(*) FROM added),
        tokens = tokens + (SELECT coalesce(sum(length), 0) FROM added);
    RETURN NULL;
END $$;
CREATE OR REPLACE FUNCTION chunk_stats_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE bm25_term t SET df = t.df - r.n
    FROM (SELECT u.lexeme, count(*) AS n FROM removed d CROSS JOIN LATERAL unnest(d.tsv) AS u
          GROUP BY u.lexeme) r
    WHERE t.term = r.lexeme;
    DELETE FROM bm25_term WHERE df = 0;
    DELETE FROM bm25_posting p
    USING (SELECT u.lexeme, d.id FROM removed d CROSS JOIN LATERAL unnest(d.tsv) AS u) r
    WHERE p.term = r.lexeme AND p.chunk_id = r.id;
    UPDATE bm25_corpus
    SET chunks = chunks - (SELECT count(*) FROM removed),
        tokens = tokens - (SELECT coalesce(sum(length), 0) FROM removed);
    RETURN NULL;
END $$;
