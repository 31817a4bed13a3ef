//! Migrations: reversible, idempotent, with timeouts, and dry runs that change nothing.

use dtrag_core::db::migrate;

async fn table_exists(pool: &sqlx::PgPool, name: &str) -> bool {
    sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn apply_all_revert_all_apply_all_again() {
    let db = crate::common::empty_db().await;
    let up = migrate::migrate(&db.pool, false).await.unwrap();
    assert!(!up.is_empty());
    assert!(table_exists(&db.pool, "node_state").await);
    // Applying again is a no-op.
    assert!(migrate::migrate(&db.pool, false).await.unwrap().is_empty());

    let down = migrate::revert_all(&db.pool).await.unwrap();
    assert_eq!(down.len(), up.len());
    assert!(migrate::applied_versions(&db.pool)
        .await
        .unwrap()
        .is_empty());
    for t in [
        "taxonomy_version",
        "node",
        "node_state",
        "edge",
        "audit_log",
    ] {
        assert!(!table_exists(&db.pool, t).await, "{t} survived revert");
    }

    let again = migrate::migrate(&db.pool, false).await.unwrap();
    assert_eq!(again.len(), up.len());
    let head: i64 = sqlx::query_scalar("SELECT max(version) FROM taxonomy_version")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(head, 0);
}

#[tokio::test]
async fn dry_runs_change_nothing() {
    let db = crate::common::empty_db().await;
    let steps = migrate::migrate(&db.pool, true).await.unwrap();
    assert!(!steps.is_empty());
    assert!(steps
        .iter()
        .all(|s| s.dry_run && s.sql.as_deref().is_some_and(|q| !q.is_empty())));
    assert!(migrate::applied_versions(&db.pool)
        .await
        .unwrap()
        .is_empty());
    assert!(!table_exists(&db.pool, "node").await);

    migrate::migrate(&db.pool, false).await.unwrap();
    let before = migrate::applied_versions(&db.pool).await.unwrap();
    let step = migrate::revert_one(&db.pool, true).await.unwrap().unwrap();
    assert_eq!(step.direction, "down");
    // The dry run shows exactly the latest migration's down script.
    let down = migrate::MIGRATOR
        .iter()
        .find(|m| m.migration_type.is_down_migration() && m.version == step.version)
        .expect("the latest migration has a down script");
    assert_eq!(step.sql.as_deref(), Some(down.sql.as_ref()));
    assert_eq!(migrate::applied_versions(&db.pool).await.unwrap(), before);
    assert!(table_exists(&db.pool, "node").await);
}

#[tokio::test]
async fn revert_one_reverts_only_the_latest() {
    let db = crate::common::fresh_db().await;
    let applied = migrate::applied_versions(&db.admin).await.unwrap();
    let step = migrate::revert_one(&db.admin, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(Some(&step.version), applied.last());
    assert_eq!(
        migrate::applied_versions(&db.admin).await.unwrap(),
        applied[..applied.len() - 1].to_vec()
    );
    // Nothing applied: reverting is a no-op, not an error.
    migrate::revert_all(&db.admin).await.unwrap();
    assert!(migrate::revert_one(&db.admin, false)
        .await
        .unwrap()
        .is_none());
}

#[test]
fn every_migration_sets_timeouts_and_has_a_down() {
    let mut ups = 0;
    for m in migrate::MIGRATOR.iter() {
        assert!(
            m.sql.contains("lock_timeout"),
            "{} {} sets no lock_timeout",
            m.version,
            m.description
        );
        assert!(
            m.sql.contains("statement_timeout"),
            "{} {} sets no statement_timeout",
            m.version,
            m.description
        );
        if !m.migration_type.is_down_migration() {
            ups += 1;
            assert!(
                migrate::MIGRATOR
                    .iter()
                    .any(|d| d.version == m.version && d.migration_type.is_down_migration()),
                "migration {} has no down migration",
                m.version
            );
        }
    }
    assert!(ups >= 1);
}

#[tokio::test]
async fn audit_log_is_append_only() {
    // As the owner (the admin login): the trigger refuses what dtrag_app has no grant for at all
    // (tests/it/privileges.rs).
    let db = crate::common::fresh_db().await;
    sqlx::query("INSERT INTO audit_log (actor, action) VALUES ('t', 'x')")
        .execute(&db.admin)
        .await
        .unwrap();
    for sql in [
        "UPDATE audit_log SET actor = 'y'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let err = sqlx::query(sql).execute(&db.admin).await.unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&db.admin)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn database_refuses_overlapping_states_and_self_edges() {
    let db = crate::common::fresh_db().await;
    let id: i64 = sqlx::query_scalar("INSERT INTO node (key) VALUES ('a') RETURNING id")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO node_state (node_id, valid, label) VALUES ($1, '[1,)', 'A')")
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();
    let overlap =
        sqlx::query("INSERT INTO node_state (node_id, valid, label) VALUES ($1, '[3,)', 'B')")
            .bind(id)
            .execute(&db.pool)
            .await;
    assert!(
        overlap.is_err(),
        "two states of one node at one version were accepted"
    );
    // Overlaps that involve a closed range are caught by the statement-level trigger.
    sqlx::query("UPDATE node_state SET valid = '[1,5)' WHERE node_id = $1")
        .bind(id)
        .execute(&db.pool)
        .await
        .unwrap();
    let closed_overlap =
        sqlx::query("INSERT INTO node_state (node_id, valid, label) VALUES ($1, '[3,)', 'B')")
            .bind(id)
            .execute(&db.pool)
            .await
            .unwrap_err();
    assert!(
        closed_overlap
            .to_string()
            .contains("two states at one version"),
        "{closed_overlap}"
    );
    sqlx::query("INSERT INTO node_state (node_id, valid, label) VALUES ($1, '[5,)', 'B')")
        .bind(id)
        .execute(&db.pool)
        .await
        .expect("adjacent ranges are fine");
    let widen = sqlx::query(
        "UPDATE node_state SET valid = '[1,7)' WHERE node_id = $1 AND lower(valid) = 1",
    )
    .bind(id)
    .execute(&db.pool)
    .await
    .unwrap_err();
    assert!(
        widen.to_string().contains("two states at one version"),
        "{widen}"
    );
    let b: i64 = sqlx::query_scalar("INSERT INTO node (key) VALUES ('b') RETURNING id")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    sqlx::query("INSERT INTO edge (parent_id, child_id, valid) VALUES ($1, $2, '[1,4)')")
        .bind(id)
        .bind(b)
        .execute(&db.pool)
        .await
        .unwrap();
    let edge_overlap =
        sqlx::query("INSERT INTO edge (parent_id, child_id, valid) VALUES ($1, $2, '[2,)')")
            .bind(id)
            .bind(b)
            .execute(&db.pool)
            .await
            .unwrap_err();
    assert!(
        edge_overlap.to_string().contains("twice at one version"),
        "{edge_overlap}"
    );
    let empty_label =
        sqlx::query("INSERT INTO node_state (node_id, valid, label) VALUES ($1, '[1,2)', '  ')")
            .bind(id)
            .execute(&db.pool)
            .await;
    assert!(empty_label.is_err());
    let self_edge =
        sqlx::query("INSERT INTO edge (parent_id, child_id, valid) VALUES ($1, $1, '[1,)')")
            .bind(id)
            .execute(&db.pool)
            .await;
    assert!(self_edge.is_err());
    let dup_key = sqlx::query("INSERT INTO node (key) VALUES ('a')")
        .execute(&db.pool)
        .await;
    assert!(dup_key.is_err());
}
