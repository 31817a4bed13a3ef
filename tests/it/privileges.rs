//! Least privilege (issue 11, part 4; migration 0016): every role's privileges as the catalog
//! shows them equal the tables of docs/reliability.md ("Least privilege"), and the app's role is
//! refused DDL, changes to the audit log and role changes.

use std::collections::BTreeMap;

use dtrag_api::agents;

use crate::agents::{new_agent, world};
use crate::common::repo_root;

const TABLE_PRIVILEGES: [&str; 7] = [
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "TRUNCATE",
    "REFERENCES",
    "TRIGGER",
];

/// The rows of the markdown table under `## Least privilege` whose header starts with `first`,
/// each as its cells (header and separator left out).
fn doc_table(first: &str) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(repo_root().join("docs/reliability.md"))
        .expect("docs/reliability.md");
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Least privilege"))
        .expect("a \"## Least privilege\" section");
    let cells = |l: &str| -> Vec<String> {
        l.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').to_string())
            .collect()
    };
    let mut rows = Vec::new();
    let mut inside = false;
    for line in section.lines() {
        if !line.trim_start().starts_with('|') {
            inside = false;
            continue;
        }
        let row = cells(line);
        if row.first().map(String::as_str) == Some(first) {
            inside = true;
            continue;
        }
        if inside
            && !row
                .iter()
                .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            rows.push(row);
        }
    }
    assert!(!rows.is_empty(), "no table headed {first:?} in the section");
    rows
}

/// `privileges` as the docs write them: a comma-separated list, or "—" for none.
fn listed(privileges: &[String]) -> String {
    if privileges.is_empty() {
        "—".into()
    } else {
        privileges.join(", ")
    }
}

async fn table_privileges(pool: &sqlx::PgPool, role: &str) -> BTreeMap<String, String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                           AND d.objid = c.oid AND d.deptype = 'e')
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = BTreeMap::new();
    for t in tables {
        let mut has = Vec::new();
        for p in TABLE_PRIVILEGES {
            let ok: bool = sqlx::query_scalar("SELECT has_table_privilege($1, $2::regclass, $3)")
                .bind(role)
                .bind(format!("public.{t}"))
                .bind(p)
                .fetch_one(pool)
                .await
                .unwrap();
            if ok {
                has.push(p.to_string());
            }
        }
        out.insert(t, listed(&has));
    }
    out
}

async fn attributes(pool: &sqlx::PgPool, role: &str) -> Vec<String> {
    let row: (bool, bool, bool, bool, bool, bool) = sqlx::query_as(
        "SELECT rolcanlogin, rolinherit, rolcreaterole, rolcreatedb, rolsuper, rolbypassrls
         FROM pg_roles WHERE rolname = $1",
    )
    .bind(role)
    .fetch_one(pool)
    .await
    .unwrap_or_else(|e| panic!("role {role}: {e}"));
    let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
    vec![
        yes(row.0),
        yes(row.1),
        yes(row.2),
        yes(row.3),
        yes(row.4),
        yes(row.5),
    ]
}

#[tokio::test]
async fn the_catalog_matches_the_documented_privileges() {
    let (db, h) = world().await;
    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    let admin = &db.admin;
    let group: String = sqlx::query_scalar("SELECT role_name FROM agent_group")
        .fetch_one(admin)
        .await
        .unwrap();
    let agent: String = sqlx::query_scalar("SELECT role_name FROM agent WHERE name = 'zoo'")
        .fetch_one(admin)
        .await
        .unwrap();

    // Role attributes: the agent group and one agent stand for their generated names.
    for row in doc_table("role") {
        let role = match row[0].as_str() {
            "dtrag_agents_…" => group.clone(),
            "dtrag_agent_…" => agent.clone(),
            r => r.to_string(),
        };
        assert_eq!(
            attributes(admin, &role).await,
            row[1..7].to_vec(),
            "attributes of {} (login, inherit, createrole, createdb, superuser, bypassrls)",
            row[0]
        );
    }

    // Table privileges of the app, the agents' group and an agent (its own grants and the
    // group's, as has_table_privilege counts them), for every table of the schema.
    let documented: BTreeMap<String, Vec<String>> = doc_table("table")
        .into_iter()
        .map(|r| (r[0].clone(), r[1..4].to_vec()))
        .collect();
    let app = table_privileges(admin, "dtrag_app").await;
    let grp = table_privileges(admin, &group).await;
    let agt = table_privileges(admin, &agent).await;
    let actual: BTreeMap<String, Vec<String>> = app
        .keys()
        .map(|t| {
            (
                t.clone(),
                vec![app[t].clone(), grp[t].clone(), agt[t].clone()],
            )
        })
        .collect();
    assert_eq!(
        actual, documented,
        "table -> [dtrag_app, agents' group, agent]: the catalog (left) against the docs"
    );

    // Every table, sequence and function of the schema (not the extensions') belongs to
    // dtrag_owner.
    let not_owned: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
           AND c.relowner <> 'dtrag_owner'::regrole
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                           AND d.objid = c.oid AND d.deptype = 'e')
         UNION ALL
         SELECT p.oid::regprocedure::text FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> 'dtrag_owner'::regrole
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                           AND d.objid = p.oid AND d.deptype = 'e')",
    )
    .fetch_all(admin)
    .await
    .unwrap();
    assert!(
        not_owned.is_empty(),
        "not owned by dtrag_owner: {not_owned:?}"
    );

    // Sequences: the app may use every one.
    let unusable: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'S'
           AND NOT CASE WHEN c.relkind = 'S'
                        THEN has_sequence_privilege('dtrag_app', c.oid, 'USAGE') ELSE true END",
    )
    .fetch_all(admin)
    .await
    .unwrap();
    assert!(
        unusable.is_empty(),
        "sequences dtrag_app may not use: {unusable:?}"
    );

    // SECURITY DEFINER functions: exactly the documented ones, each with its search_path fixed,
    // executable by dtrag_app and by nobody else (not PUBLIC, not the agents).
    let definers: Vec<(String, bool, bool, bool, bool)> = sqlx::query_as(
        "SELECT p.proname::text,
                coalesce(array_to_string(p.proconfig, ',') LIKE '%search_path=%', false),
                has_function_privilege('dtrag_app', p.oid, 'EXECUTE'),
                has_function_privilege($1, p.oid, 'EXECUTE'),
                has_function_privilege('public', p.oid, 'EXECUTE')
         FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef
         ORDER BY 1",
    )
    .bind(&agent)
    .fetch_all(admin)
    .await
    .unwrap();
    let documented: Vec<String> = doc_table("function")
        .into_iter()
        .map(|r| r[0].split('(').next().unwrap_or_default().to_string())
        .collect();
    let names: Vec<String> = definers.iter().map(|d| d.0.clone()).collect();
    let mut sorted = documented.clone();
    sorted.sort();
    assert_eq!(
        names, sorted,
        "SECURITY DEFINER functions: catalog against the docs"
    );
    for (name, path_fixed, app_may, agent_may, public_may) in definers {
        assert!(path_fixed, "{name} does not fix its search_path");
        assert!(app_may, "dtrag_app may not execute {name}");
        assert!(
            !agent_may && !public_may,
            "{name} is executable beyond dtrag_app"
        );
    }
}

/// The SQLSTATE of what `sql` fails with on `pool`.
async fn refused(pool: &sqlx::PgPool, sql: &str) -> String {
    let err = sqlx::query(sql)
        .execute(pool)
        .await
        .err()
        .unwrap_or_else(|| panic!("{sql}: allowed"));
    err.as_database_error()
        .and_then(|d| d.code().map(|c| c.to_string()))
        .unwrap_or_else(|| panic!("{sql}: {err}"))
}

#[tokio::test]
async fn the_app_role_may_not_change_the_schema_the_audit_log_or_roles() {
    let (db, h) = world().await;
    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    let agent: String = sqlx::query_scalar("SELECT role_name FROM agent WHERE name = 'zoo'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let me: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(me, "dtrag_app", "the test pool works as the app's role");
    let audit: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert!(audit > 0);

    let denied = "42501"; // insufficient_privilege
    for sql in [
        "CREATE TABLE intruder (x int)".to_string(),
        "CREATE TEMP TABLE intruder (x int)".to_string(),
        "CREATE FUNCTION intruder() RETURNS int LANGUAGE sql AS 'SELECT 1'".to_string(),
        "CREATE INDEX intruder ON node (key)".to_string(),
        "UPDATE audit_log SET actor = 'someone else'".to_string(),
        "DELETE FROM audit_log".to_string(),
        "TRUNCATE audit_log".to_string(),
        "TRUNCATE node_state".to_string(),
        "DROP TABLE node".to_string(),
        "DROP TABLE audit_log".to_string(),
        "DROP FUNCTION dtrag_analyze(text[])".to_string(),
        "ALTER TABLE audit_log DISABLE TRIGGER USER".to_string(),
        "ALTER TABLE document NO FORCE ROW LEVEL SECURITY".to_string(),
        "ANALYZE node".to_string(),
        "CREATE ROLE intruder".to_string(),
        "ALTER ROLE dtrag_app CREATEROLE".to_string(),
        format!("ALTER ROLE \"{agent}\" LOGIN PASSWORD 'guessed'"),
        format!("DROP ROLE \"{agent}\""),
    ] {
        // ANALYZE of a table one does not own is skipped with a warning, not refused: it must at
        // least change nothing, which is what the other refusals guarantee too.
        if sql.starts_with("ANALYZE") {
            let before: Option<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
                "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'node'",
            )
            .fetch_one(&db.admin)
            .await
            .unwrap();
            sqlx::query(&sql).execute(&db.pool).await.unwrap();
            let after: Option<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
                "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'node'",
            )
            .fetch_one(&db.admin)
            .await
            .unwrap();
            assert_eq!(before, after, "ANALYZE as dtrag_app analyzed");
            continue;
        }
        assert_eq!(refused(&db.pool, &sql).await, denied, "{sql}");
    }
    // A GRANT without the grant option is a warning that grants nothing, not an error.
    sqlx::query("GRANT SELECT ON agent TO PUBLIC")
        .execute(&db.pool)
        .await
        .unwrap();
    let public_reads: bool =
        sqlx::query_scalar("SELECT has_table_privilege('public', 'agent', 'SELECT')")
            .fetch_one(&db.admin)
            .await
            .unwrap();
    assert!(!public_reads, "dtrag_app granted SELECT on agent to PUBLIC");
    let still: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(still, audit, "the audit log lost rows");

    // The definer functions refuse names that are not ours, so no argument reaches DDL.
    let invalid = "22023"; // invalid_parameter_value
    for sql in [
        "SELECT dtrag_analyze(ARRAY['node; DROP TABLE node'])",
        "SELECT dtrag_analyze(ARRAY['pg_authid'])",
        "SELECT dtrag_agent_role_drop('postgres')",
        "SELECT dtrag_agent_role_drop('dtrag_agent_0123456789abcdef\"; DROP ROLE postgres; --')",
        "SELECT dtrag_agent_login('dtrag_app', 'pw')",
        "SELECT dtrag_agent_role_create('dtrag_agent_0123456789abcdef', 'dtrag_agents_0000000000000000')",
        "SELECT dtrag_agents_group_create('dtrag_agents_0123456789abcdef', ARRAY['agent'])",
        "SELECT dtrag_hnsw_build(-1)",
    ] {
        assert_eq!(refused(&db.pool, sql).await, invalid, "{sql}");
    }
    let roles: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_roles WHERE rolname IN ('postgres', 'dtrag_app')",
    )
    .fetch_one(&db.admin)
    .await
    .unwrap();
    assert_eq!(roles, 2);
}
