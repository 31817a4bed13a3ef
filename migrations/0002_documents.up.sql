-- Documents, their chunks, Okapi BM25 term statistics, and document classifications.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

CREATE TABLE document (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Stable identity: the file path, or the `id` of a JSON Lines record.
    source_id   text NOT NULL UNIQUE CHECK (source_id <> ''),
    title       text NOT NULL,
    -- sha256 of the text: re-adding unchanged content is a no-op.
    content_hash text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chunk (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    ordinal     int NOT NULL CHECK (ordinal >= 0),
    text        text NOT NULL,
    tsv         tsvector NOT NULL,
    -- BM25 document length: the number of indexed tokens (positions) in `tsv`.
    length      int NOT NULL CHECK (length >= 0),
    UNIQUE (document_id, ordinal)
);
CREATE INDEX chunk_tsv ON chunk USING gin (tsv);

-- Corpus statistics for BM25, kept current by the triggers below in the same statement that
-- writes chunks: document frequency per term, chunk count and total length.
CREATE TABLE bm25_term (
    term text PRIMARY KEY,
    df   bigint NOT NULL CHECK (df >= 0)
);
CREATE TABLE bm25_corpus (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    chunks    bigint NOT NULL CHECK (chunks >= 0),
    tokens    bigint NOT NULL CHECK (tokens >= 0)
);
INSERT INTO bm25_corpus (singleton, chunks, tokens) VALUES (true, 0, 0);

CREATE FUNCTION chunk_stats_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bm25_term (term, df)
    SELECT u.lexeme, count(*) FROM added a CROSS JOIN LATERAL unnest(a.tsv) AS u GROUP BY u.lexeme
    ON CONFLICT (term) DO UPDATE SET df = bm25_term.df + EXCLUDED.df;
    UPDATE bm25_corpus
    SET chunks = chunks + (SELECT count(*) FROM added),
        tokens = tokens + (SELECT coalesce(sum(length), 0) FROM added);
    RETURN NULL;
END $$;
CREATE FUNCTION chunk_stats_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE bm25_term t SET df = t.df - r.n
    FROM (SELECT u.lexeme, count(*) AS n FROM removed d CROSS JOIN LATERAL unnest(d.tsv) AS u
          GROUP BY u.lexeme) r
    WHERE t.term = r.lexeme;
    DELETE FROM bm25_term WHERE df = 0;
    UPDATE bm25_corpus
    SET chunks = chunks - (SELECT count(*) FROM removed),
        tokens = tokens - (SELECT coalesce(sum(length), 0) FROM removed);
    RETURN NULL;
END $$;
CREATE TRIGGER chunk_stats_ins AFTER INSERT ON chunk
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION chunk_stats_added();
CREATE TRIGGER chunk_stats_del AFTER DELETE ON chunk
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION chunk_stats_removed();
-- Chunks are replaced, never edited in place: an UPDATE would silently skew the statistics.
CREATE FUNCTION chunk_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'chunks are immutable: delete and insert instead' USING ERRCODE = 'feature_not_supported';
END $$;
CREATE TRIGGER chunk_no_update BEFORE UPDATE ON chunk
    FOR EACH ROW EXECUTE FUNCTION chunk_refuse_update();

-- Which categories (taxonomy nodes, by identity) a document is classified under.
CREATE TABLE document_category (
    document_id bigint NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    node_id     bigint NOT NULL REFERENCES node (id),
    PRIMARY KEY (document_id, node_id)
);
CREATE INDEX document_category_node ON document_category (node_id);
