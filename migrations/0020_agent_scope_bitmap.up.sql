-- An agent's chunks as a bitmap for its row policies (issue 10: an agent's search within 1.2x of
-- the owner's).
--
-- The policies of 0011 admitted a vector, a posting or a chunk when `chunk_id IN (SELECT chunk_id
-- FROM agent_chunk)`: a hashed SubPlan, built on every query from the agent's rows (5 ms for a
-- 10,699-chunk scope) and probed once per row the query reads (about 1 µs). On the 117k-gloss
-- benchmark that made an agent's exact scan of its scope 57.7 ms against the owner's 42.3 ms, and
-- its BM25, which passes every posting of the query's terms through the policy, slower still.
--
-- Now the policy reads one value per query, `agent_corpus.chunk_bits` (bit i set when chunk i is
-- in the agent's scope; `substring(bits FROM i + 1 FOR 1)`), as an InitPlan, and each row costs
-- one bit lookup. The `|| B''` makes the InitPlan's value a plain in-memory copy: without it each
-- row's lookup would fetch the TOASTed value again (4-6 µs a row, measured). Nothing in the
-- expression can raise an error for a hidden row: a position past the bitmap, or an id outside
-- int4 clamped to one, yields an empty string, i.e. not admitted.
--
-- `agent_chunk` stays the materialised scope (the leak and maintenance tests compare it with a
-- recursive recomputation, and those tests also compare the bitmap with it). The bitmap follows
-- it in the same statement-level trigger as the chunk count and token total, by difference (OR
-- in the added chunks, AND NOT the removed ones), so two writers of one agent's scope compose like
-- the counters do: the second re-reads the row the first committed.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

-- The bitmap of a set of chunk ids, as long as the largest id + 1. Built from the gaps between
-- sorted ids, so its cost is the number of ids plus one byte of text per bit.
CREATE FUNCTION agent_chunk_bits(ids bigint[]) RETURNS varbit
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    lo bigint;
    hi bigint;
BEGIN
    SELECT min(i), max(i) INTO lo, hi FROM unnest(ids) AS i;
    IF lo < 0 OR hi >= 2147483646 THEN
        RAISE EXCEPTION 'chunk id % is outside what an agent''s scope bitmap holds (0 to 2^31 - 3)',
            CASE WHEN lo < 0 THEN lo ELSE hi END
            USING ERRCODE = 'program_limit_exceeded';
    END IF;
    RETURN (SELECT coalesce(string_agg(repeat('0', (i - prev - 1)::int) || '1', '' ORDER BY i), '')::varbit
            FROM (SELECT i, coalesce(lag(i) OVER (ORDER BY i), -1) AS prev
                  FROM (SELECT DISTINCT i FROM unnest(ids) AS i) AS d) AS r);
END $$;

-- `a | b` and `a & ~b` for bitmaps of any two lengths (the operators want equal ones): the
-- shorter is padded with zeros.
CREATE FUNCTION agent_bits_or(a varbit, b varbit) RETURNS varbit
LANGUAGE sql IMMUTABLE AS $$
    SELECT (a || repeat('0', greatest(length(b) - length(a), 0))::varbit)
         | (b || repeat('0', greatest(length(a) - length(b), 0))::varbit)
$$;
CREATE FUNCTION agent_bits_minus(a varbit, b varbit) RETURNS varbit
LANGUAGE sql IMMUTABLE AS $$
    SELECT a & ~substring(b || repeat('0', greatest(length(a) - length(b), 0))::varbit
                          FROM 1 FOR length(a))
$$;

ALTER TABLE agent_corpus ADD COLUMN chunk_bits varbit NOT NULL DEFAULT B'';
-- Read whole once per query: stored uncompressed, so reading it is a copy, not a decompression.
ALTER TABLE agent_corpus ALTER COLUMN chunk_bits SET STORAGE EXTERNAL;
UPDATE agent_corpus co
SET chunk_bits = agent_chunk_bits(ARRAY(SELECT ac.chunk_id FROM agent_chunk ac
                                        WHERE ac.role_name = co.role_name));

CREATE OR REPLACE FUNCTION agent_corpus_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO agent_corpus AS ac (role_name, chunks, tokens, chunk_bits)
        SELECT role_name, count(*), sum(length), agent_chunk_bits(array_agg(chunk_id))
        FROM added GROUP BY role_name
        ON CONFLICT (role_name) DO UPDATE
        SET chunks = ac.chunks + excluded.chunks, tokens = ac.tokens + excluded.tokens,
            chunk_bits = agent_bits_or(ac.chunk_bits, excluded.chunk_bits);
    ELSE
        UPDATE agent_corpus ac SET chunks = ac.chunks - d.chunks, tokens = ac.tokens - d.tokens,
                                   chunk_bits = agent_bits_minus(ac.chunk_bits, d.bits)
        FROM (SELECT role_name, count(*) AS chunks, sum(length) AS tokens,
                     agent_chunk_bits(array_agg(chunk_id)) AS bits
              FROM removed GROUP BY role_name) d
        WHERE ac.role_name = d.role_name;
    END IF;
    RETURN NULL;
END $$;

-- Row-level security on agent_corpus leaves the agent its own row: the InitPlan is that one value
-- (NULL, so nothing admitted, for a role with no row).
ALTER POLICY agent_scope ON chunk USING (
    substring((SELECT co.chunk_bits || B'' FROM agent_corpus co)
              FROM greatest(least(id, 2147483646), -1)::int + 1 FOR 1) = B'1');
ALTER POLICY agent_scope ON chunk_embedding USING (
    substring((SELECT co.chunk_bits || B'' FROM agent_corpus co)
              FROM greatest(least(chunk_id, 2147483646), -1)::int + 1 FOR 1) = B'1');
ALTER POLICY agent_scope ON bm25_posting USING (
    substring((SELECT co.chunk_bits || B'' FROM agent_corpus co)
              FROM greatest(least(chunk_id, 2147483646), -1)::int + 1 FOR 1) = B'1');
