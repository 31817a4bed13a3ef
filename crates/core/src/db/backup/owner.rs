//! Migration 0016's roles around a restore: a new cluster may not have `dtrag_owner` and
//! `dtrag_app` yet (the dump's grants and policies name them), and `pg_restore --no-owner` makes
//! the restoring login the owner of everything, where 0016 wants `dtrag_owner`.

use sqlx::PgPool;

use crate::db::migrate::OWNER_FROM;
use crate::error::Result;

/// Creates the two roles when missing, as migration 0016 does (racing creators tolerated).
const ENSURE_ROLES: &str = "DO $$
BEGIN
    IF to_regrole('dtrag_owner') IS NULL THEN
        BEGIN CREATE ROLE dtrag_owner NOLOGIN CREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    END IF;
    IF to_regrole('dtrag_app') IS NULL THEN
        BEGIN CREATE ROLE dtrag_app NOLOGIN NOINHERIT;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;
    END IF;
END $$";

/// Hands the restored schema to dtrag_owner, with the database-level grants of 0016 (a dump of
/// one database carries neither its owners, with `--no-owner`, nor database privileges).
const OWN_SCHEMA: &str = "DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.oid::regclass AS name, c.relkind FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
    LOOP
        EXECUTE format(CASE r.relkind WHEN 'S' THEN 'ALTER SEQUENCE %s OWNER TO dtrag_owner'
                                      WHEN 'v' THEN 'ALTER VIEW %s OWNER TO dtrag_owner'
                                      WHEN 'm' THEN 'ALTER MATERIALIZED VIEW %s OWNER TO dtrag_owner'
                                      ELSE 'ALTER TABLE %s OWNER TO dtrag_owner' END, r.name);
    END LOOP;
    FOR r IN
        SELECT p.oid::regprocedure AS name FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.prokind = 'f'
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO dtrag_owner', r.name);
    END LOOP;
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO dtrag_owner WITH GRANT OPTION',
                   current_database());
END $$";

/// Before `pg_restore`: the roles a dump at `level` names.
pub async fn ensure_roles(pool: &PgPool, level: i64) -> Result<()> {
    if level >= OWNER_FROM {
        sqlx::query(ENSURE_ROLES).execute(pool).await?;
    }
    Ok(())
}

/// After `pg_restore`: the owner migration 0016 gave the schema.
pub async fn own_schema(pool: &PgPool, level: i64) -> Result<()> {
    if level >= OWNER_FROM {
        sqlx::query(OWN_SCHEMA).execute(pool).await?;
    }
    Ok(())
}
