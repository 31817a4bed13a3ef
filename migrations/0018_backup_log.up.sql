-- Every backup taken of this database (issue 11, part 6: the Health panel's "age of the last
-- backup"). Kept in the database rather than beside the files so that a backup taken by another
-- operator, on another machine or into a file of their choosing counts too. The row is written
-- after the dump's snapshot, so a backup never contains its own record; the fingerprint leaves
-- this table out (db::fingerprint), so taking a backup does not change what it fingerprints.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

CREATE TABLE backup_log (
    id              bigserial   PRIMARY KEY,
    taken_at        timestamptz NOT NULL DEFAULT now(),
    taken_by        text        NOT NULL,
    file            text        NOT NULL,
    bytes           bigint      NOT NULL CHECK (bytes >= 0),
    migration_level bigint      NOT NULL,
    fingerprint     text        NOT NULL,
    app_version     text        NOT NULL
);
CREATE INDEX backup_log_taken_at ON backup_log (taken_at DESC);

-- Append-only for the app, like the audit log: a record of a backup is never rewritten.
GRANT SELECT, INSERT ON backup_log TO dtrag_app;
GRANT USAGE, SELECT ON SEQUENCE backup_log_id_seq TO dtrag_app;

-- The health report's two views of other sessions (issue 11, part 6). `dtrag_app` is NOINHERIT,
-- so a grant of PostgreSQL's monitoring role to it would have no effect (PostgreSQL 15 has no
-- per-grant INHERIT); these functions run as `dtrag_owner`, to whom the embedded cluster's
-- superuser grants `pg_read_all_stats` (a DBA does on a server by URL). Without that grant they
-- still work, and show what any role may see.
CREATE FUNCTION dtrag_slowest_statements(n integer, chars integer)
RETURNS TABLE (query text, calls bigint, mean_ms double precision, max_ms double precision,
               total_ms double precision, rows bigint)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    ext_schema text;
BEGIN
    SELECT quote_ident(ns.nspname::text) INTO ext_schema
    FROM pg_extension e JOIN pg_namespace ns ON ns.oid = e.extnamespace
    WHERE e.extname = 'pg_stat_statements';
    IF ext_schema IS NULL THEN
        RAISE EXCEPTION 'pg_stat_statements is not installed in this database'
            USING ERRCODE = 'undefined_object';
    END IF;
    -- Only this database's statements; the schema name is quoted, the limits are parameters.
    RETURN QUERY EXECUTE format(
        'SELECT left(s.query, $2), s.calls, s.mean_exec_time, s.max_exec_time,
                s.total_exec_time, s.rows
         FROM %s.pg_stat_statements s
         WHERE s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         ORDER BY s.mean_exec_time DESC LIMIT $1', ext_schema)
    USING n, chars;
END $$;

CREATE FUNCTION dtrag_client_connections()
RETURNS TABLE (state text, on_this_database boolean, n bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    -- Without pg_read_all_stats, another session's row shows nothing but its pid (not even
    -- whether it is a client): such rows are counted as `hidden`, on no known database, and may
    -- include the server's own background processes.
    SELECT coalesce(a.state, 'hidden'), a.datname = current_database(), count(*)
    FROM pg_stat_activity a
    WHERE a.backend_type = 'client backend' OR a.backend_type IS NULL
    GROUP BY 1, 2
$$;

REVOKE ALL ON FUNCTION dtrag_slowest_statements(integer, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION dtrag_client_connections() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION dtrag_slowest_statements(integer, integer) TO dtrag_app;
GRANT EXECUTE ON FUNCTION dtrag_client_connections() TO dtrag_app;
