SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

-- The policies of 0006.
ALTER POLICY agent_scope ON chunk
    USING (document_id IN (SELECT ad.document_id FROM agent_document ad));
ALTER POLICY agent_scope ON chunk_embedding USING (chunk_id IN (SELECT c.id FROM chunk c));
ALTER POLICY agent_scope ON bm25_posting USING (chunk_id IN (SELECT c.id FROM chunk c));

DROP TRIGGER IF EXISTS agent_document_chunks_ins ON agent_document;
DROP TRIGGER IF EXISTS agent_document_chunks_del ON agent_document;
DROP TRIGGER IF EXISTS chunk_agent_chunks_ins ON chunk;
DROP TABLE IF EXISTS agent_corpus;
DROP TABLE IF EXISTS agent_chunk;
DROP FUNCTION IF EXISTS agent_corpus_counted();
DROP FUNCTION IF EXISTS agent_chunk_written();
DROP FUNCTION IF EXISTS agent_chunk_documents();
