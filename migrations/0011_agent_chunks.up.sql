-- An agent's chunks and its corpus statistics, materialised (issue 10, part 4: an agent's search
-- within 1.2x of the owner's).
--
-- The policies of 0006 admitted a vector or a posting when its chunk's document was in
-- `agent_document`: under row-level security that subquery is a hashed SubPlan over `chunk`
-- filtered by `agent_document`, i.e. a scan of every chunk (117k in the benchmark) on each query,
-- twice for BM25 (the agent's own document frequencies and its postings), and once more to count
-- its chunks and tokens. `agent_chunk` holds the chunk ids directly (with their BM25 length), and
-- `agent_corpus` the agent's chunk count and token total, so a policy reads one index range of the
-- agent's own rows and the statistics are one row.
--
-- Kept by triggers, in the writer's transaction: rows of `agent_document` added or removed (every
-- decision, classify run, publish and agent change goes through it), chunks written for a document
-- already in a scope (a document added again), chunks removed (cascade). `agent_corpus` follows
-- `agent_chunk` incrementally from the transition tables.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

CREATE TABLE agent_chunk (
    role_name text NOT NULL REFERENCES agent (role_name) ON DELETE CASCADE,
    chunk_id  bigint NOT NULL REFERENCES chunk (id) ON DELETE CASCADE,
    -- The chunk's BM25 length, so a removal (the chunk already gone) can be subtracted.
    length    int NOT NULL,
    PRIMARY KEY (role_name, chunk_id)
);
CREATE INDEX agent_chunk_chunk ON agent_chunk (chunk_id);
CREATE TABLE agent_corpus (
    role_name text PRIMARY KEY REFERENCES agent (role_name) ON DELETE CASCADE,
    chunks    bigint NOT NULL DEFAULT 0 CHECK (chunks >= 0),
    tokens    bigint NOT NULL DEFAULT 0 CHECK (tokens >= 0)
);

INSERT INTO agent_chunk (role_name, chunk_id, length)
SELECT ad.role_name, c.id, c.length
FROM agent_document ad JOIN chunk c ON c.document_id = ad.document_id;
INSERT INTO agent_corpus (role_name, chunks, tokens)
SELECT a.role_name, count(ac.chunk_id), coalesce(sum(ac.length), 0)
FROM agent a LEFT JOIN agent_chunk ac ON ac.role_name = a.role_name
GROUP BY a.role_name;

-- agent_document -> agent_chunk.
CREATE FUNCTION agent_chunk_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO agent_chunk (role_name, chunk_id, length)
        SELECT a.role_name, c.id, c.length
        FROM added a JOIN chunk c ON c.document_id = a.document_id
        ON CONFLICT DO NOTHING;
    ELSE
        DELETE FROM agent_chunk ac
        USING removed r JOIN chunk c ON c.document_id = r.document_id
        WHERE ac.role_name = r.role_name AND ac.chunk_id = c.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER agent_document_chunks_ins AFTER INSERT ON agent_document
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION agent_chunk_documents();
CREATE TRIGGER agent_document_chunks_del AFTER DELETE ON agent_document
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION agent_chunk_documents();

-- Chunks written for documents already in a scope. (Removed chunks cascade.)
CREATE FUNCTION agent_chunk_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO agent_chunk (role_name, chunk_id, length)
    SELECT ad.role_name, n.id, n.length
    FROM added n JOIN agent_document ad ON ad.document_id = n.document_id
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER chunk_agent_chunks_ins AFTER INSERT ON chunk
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION agent_chunk_written();

-- agent_chunk -> agent_corpus, by difference.
CREATE FUNCTION agent_corpus_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO agent_corpus AS ac (role_name, chunks, tokens)
        SELECT role_name, count(*), sum(length) FROM added GROUP BY role_name
        ON CONFLICT (role_name) DO UPDATE
        SET chunks = ac.chunks + excluded.chunks, tokens = ac.tokens + excluded.tokens;
    ELSE
        UPDATE agent_corpus ac SET chunks = ac.chunks - d.chunks, tokens = ac.tokens - d.tokens
        FROM (SELECT role_name, count(*) AS chunks, sum(length) AS tokens
              FROM removed GROUP BY role_name) d
        WHERE ac.role_name = d.role_name;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER agent_chunk_corpus_ins AFTER INSERT ON agent_chunk
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION agent_corpus_counted();
CREATE TRIGGER agent_chunk_corpus_del AFTER DELETE ON agent_chunk
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION agent_corpus_counted();

-- The policies read the agent's own chunk ids.
CREATE POLICY agent_own ON agent_chunk FOR SELECT USING (role_name = current_user);
CREATE POLICY agent_own ON agent_corpus FOR SELECT USING (role_name = current_user);
ALTER POLICY agent_scope ON chunk USING (id IN (SELECT ac.chunk_id FROM agent_chunk ac));
ALTER POLICY agent_scope ON chunk_embedding
    USING (chunk_id IN (SELECT ac.chunk_id FROM agent_chunk ac));
ALTER POLICY agent_scope ON bm25_posting
    USING (chunk_id IN (SELECT ac.chunk_id FROM agent_chunk ac));
DO $$
DECLARE
    t text;
    g text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agent_chunk', 'agent_corpus']
    LOOP
        EXECUTE format('CREATE POLICY owner_all ON %I TO %I USING (true) WITH CHECK (true)',
                       t, current_user);
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        -- A database that has agents already has their group: it reads these too.
        FOR g IN SELECT ag.role_name FROM agent_group ag
                 WHERE EXISTS (SELECT 1 FROM pg_roles p WHERE p.rolname = ag.role_name)
        LOOP
            EXECUTE format('GRANT SELECT ON %I TO %I', t, g);
        END LOOP;
    END LOOP;
END $$;
