SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

-- The policies and the corpus trigger of 0011.
ALTER POLICY agent_scope ON chunk USING (id IN (SELECT ac.chunk_id FROM agent_chunk ac));
ALTER POLICY agent_scope ON chunk_embedding
    USING (chunk_id IN (SELECT ac.chunk_id FROM agent_chunk ac));
ALTER POLICY agent_scope ON bm25_posting
    USING (chunk_id IN (SELECT ac.chunk_id FROM agent_chunk ac));

CREATE OR REPLACE FUNCTION agent_corpus_counted() RETURNS trigger LANGUAGE plpgsql AS $$
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

ALTER TABLE agent_corpus DROP COLUMN IF EXISTS chunk_bits;
DROP FUNCTION IF EXISTS agent_bits_minus(varbit, varbit);
DROP FUNCTION IF EXISTS agent_bits_or(varbit, varbit);
DROP FUNCTION IF EXISTS agent_chunk_bits(bigint[]);
