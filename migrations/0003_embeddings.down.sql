SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

-- Back to the statistics triggers of 0002 (without postings).
CREATE OR REPLACE FUNCTION chunk_stats_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO bm25_term (term, df)
    SELECT u.lexeme, count(*) FROM added a CROSS JOIN LATERAL unnest(a.tsv) AS u GROUP BY u.lexeme
    ON CONFLICT (term) DO UPDATE SET df = bm25_term.df + EXCLUDED.df;
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
    UPDATE bm25_corpus
    SET chunks = chunks - (SELECT count(*) FROM removed),
        tokens = tokens - (SELECT coalesce(sum(length), 0) FROM removed);
    RETURN NULL;
END $$;
DROP TABLE IF EXISTS bm25_posting;
DROP TABLE IF EXISTS chunk_embedding;
DROP TABLE IF EXISTS embedding_model;
