//! Diff between versions and rollback: shape, content, atomicity, history, audit.

use dtrag_core::audit::{self, AuditFilter};
use dtrag_core::taxonomy::diff;
use dtrag_core::taxonomy::edit::{self, EditOp};
use dtrag_core::taxonomy::{import, read, rollback, VersionKind};
use dtrag_core::Error;

fn s(x: &str) -> String {
    x.to_string()
}

/// Sample at v1, then v2 = a change set touching every kind of change.
async fn two_versions() -> crate::common::TestDb {
    let db = crate::common::fresh_db().await;
    let file = crate::common::parse_import(crate::common::SAMPLE).unwrap();
    import::import(&db.pool, file, &crate::common::meta("sample"), "sample")
        .await
        .unwrap();
    edit::apply(
        &db.pool,
        1,
        &[
            EditOp::Add {
                key: s("tech.ai.agents"),
                label: s("Agents"),
                alt_labels: vec![],
                description: s(""),
                parents: vec![s("tech.ai")],
            },
            EditOp::Rename {
                key: s("tech.db"),
                label: s("Data stores"),
            },
            EditOp::Move {
                key: s("tech.search.bm25"),
                parents: vec![s("tech.search"), s("science.math")],
            },
            EditOp::SetDescription {
                key: s("tech.ai"),
                description: s("Systems that learn, plan, reason and act."),
            },
            EditOp::SetAltLabels {
                key: s("science"),
                alt_labels: vec![s("Sciences"), s("STEM")],
            },
            EditOp::Delete {
                key: s("business.finance"),
                cascade: false,
            },
            // Renamed and moved at once: in both lists.
            EditOp::Rename {
                key: s("humanities.music"),
                label: s("Music"),
            },
            EditOp::AddParent {
                key: s("humanities.music"),
                parent: s("science.physics"),
            },
        ],
        &crate::common::meta("v2"),
    )
    .await
    .unwrap();
    db
}

#[tokio::test]
async fn diff_lists_each_kind_of_change_with_before_and_after() {
    let db = two_versions().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let d = diff::diff(&mut conn, 1, 2).await.unwrap();
    assert_eq!((d.from, d.to), (1, 2));
    assert_eq!(
        d.summary,
        diff::Summary {
            added: 1,
            removed: 1,
            renamed: 2,
            moved: 2,
            edited: 2,
            deprecated: 0,
        }
    );
    assert_eq!(d.added[0].key, "tech.ai.agents");
    assert_eq!(d.added[0].parents, ["tech.ai"]);
    assert_eq!(d.removed[0].key, "business.finance");
    assert_eq!(d.removed[0].label, "Finance");
    let renamed: Vec<(&str, &str, &str)> = d
        .renamed
        .iter()
        .map(|r| (r.key.as_str(), r.before.as_str(), r.after.as_str()))
        .collect();
    assert_eq!(
        renamed,
        [
            ("humanities.music", "Musique", "Music"),
            ("tech.db", "Databases", "Data stores")
        ]
    );
    let bm25 = d
        .moved
        .iter()
        .find(|m| m.key == "tech.search.bm25")
        .unwrap();
    assert_eq!(bm25.before, ["tech.search"]);
    assert_eq!(bm25.after, ["science.math", "tech.search"]);
    let ai = d.edited.iter().find(|e| e.key == "tech.ai").unwrap();
    assert_eq!(ai.before.description, "Systems that learn, reason and act.");
    assert_eq!(
        ai.after.description,
        "Systems that learn, plan, reason and act."
    );
    let inserted: Vec<&str> = ai
        .description_diff
        .iter()
        .filter(|s| s.tag == "insert")
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(inserted, ["plan, "]);
    let science = d.edited.iter().find(|e| e.key == "science").unwrap();
    assert_eq!(science.after.alt_labels, ["Sciences", "STEM"]);
    assert!(science.description_diff.is_empty());

    // The JSON has the documented shape.
    let json = serde_json::to_value(&d).unwrap();
    for k in [
        "from", "to", "summary", "added", "removed", "renamed", "moved", "edited",
    ] {
        assert!(json.get(k).is_some(), "missing {k}");
    }
    assert_eq!(json["summary"]["edited"], 2);

    // Reverse direction mirrors; same version is empty; bad versions are refused.
    let back = diff::diff(&mut conn, 2, 1).await.unwrap();
    assert_eq!(
        back.summary,
        diff::Summary {
            added: 1,
            removed: 1,
            renamed: 2,
            moved: 2,
            edited: 2,
            deprecated: 0,
        }
    );
    assert_eq!(back.added[0].key, "business.finance");
    assert!(diff::diff(&mut conn, 2, 2).await.unwrap().is_empty());
    assert!(matches!(
        diff::diff(&mut conn, 1, 7).await,
        Err(Error::NoSuchVersion(7))
    ));
    // From the empty version: everything is added.
    assert_eq!(diff::diff(&mut conn, 0, 1).await.unwrap().summary.added, 27);
}

#[tokio::test]
async fn a_change_undone_later_is_not_in_the_diff() {
    let db = two_versions().await;
    edit::apply(
        &db.pool,
        2,
        &[EditOp::Rename {
            key: s("tech.db"),
            label: s("Databases"),
        }],
        &crate::common::meta("undo rename"),
    )
    .await
    .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let d = diff::diff(&mut conn, 1, 3).await.unwrap();
    assert!(
        d.renamed.iter().all(|r| r.key != "tech.db"),
        "{:?}",
        d.renamed
    );
}

#[tokio::test]
async fn rollback_restores_the_content_as_a_new_version() {
    let db = two_versions().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let v1 = read::export(&mut conn, Some(1)).await.unwrap();
    let v2 = read::export(&mut conn, Some(2)).await.unwrap();

    // Dry run: the diff it would apply, nothing written.
    let before = crate::common::fingerprint(&db.pool).await;
    let dry = rollback::rollback(&db.pool, 1, true, &crate::common::meta("dry"))
        .await
        .unwrap();
    assert!(dry.dry_run && dry.version.is_none());
    assert_eq!(
        dry.diff.summary,
        diff::diff(&mut conn, 2, 1).await.unwrap().summary
    );
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);

    let out = rollback::rollback(&db.pool, 1, false, &crate::common::meta("back to 1"))
        .await
        .unwrap();
    assert_eq!(out.version, Some(3));
    assert_eq!(out.head_before, 2);
    assert!(out.elapsed_ms > 0.0);
    assert_eq!(read::export(&mut conn, None).await.unwrap(), v1);
    // History is kept: version 2 still reads as it was.
    assert_eq!(read::export(&mut conn, Some(2)).await.unwrap(), v2);
    let v = read::version(&mut conn, 3).await.unwrap();
    assert_eq!(v.kind, VersionKind::Rollback);
    assert_eq!(v.restored_from, Some(1));
    assert_eq!(v.message, "back to 1");

    // A rollback can itself be rolled back.
    let again = rollback::rollback(&db.pool, 2, false, &crate::common::meta("redo"))
        .await
        .unwrap();
    assert_eq!(again.version, Some(4));
    assert_eq!(read::export(&mut conn, None).await.unwrap(), v2);

    // Rolling back to what the head already is publishes nothing.
    let same = rollback::rollback(&db.pool, 4, false, &crate::common::meta("noop"))
        .await
        .unwrap();
    assert!(same.version.is_none() && same.diff.is_empty());
    // Back to the empty taxonomy works too.
    rollback::rollback(&db.pool, 0, false, &crate::common::meta("empty"))
        .await
        .unwrap();
    assert!(read::export(&mut conn, None).await.unwrap().is_empty());
    assert!(matches!(
        rollback::rollback(&db.pool, 99, false, &crate::common::meta("x")).await,
        Err(Error::NoSuchVersion(99))
    ));
}

#[tokio::test]
async fn every_publish_is_audited_in_its_own_transaction() {
    let db = two_versions().await;
    rollback::rollback(&db.pool, 1, false, &crate::common::meta("back"))
        .await
        .unwrap();
    // A refused edit leaves no audit entry.
    let _ = edit::apply(
        &db.pool,
        3,
        &[EditOp::Rename {
            key: s("ghost"),
            label: s("x"),
        }],
        &crate::common::meta("refused"),
    )
    .await;
    let mut conn = db.pool.acquire().await.unwrap();
    let all = audit::list(
        &mut conn,
        &AuditFilter {
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let actions: Vec<&str> = all.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["taxonomy.rollback", "taxonomy.edit", "taxonomy.import"]
    );
    assert!(all.iter().all(|e| e.actor == "test"));
    assert_eq!(all[0].version, Some(3));
    assert_eq!(all[0].details["restored"], 1);
    assert_eq!(all[1].details["ops"].as_array().unwrap().len(), 8);
    let only = audit::list(
        &mut conn,
        &AuditFilter {
            action: Some(s("taxonomy.roll")),
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(only.len(), 1);
    let nobody = audit::list(
        &mut conn,
        &AuditFilter {
            actor: Some(s("someone else")),
            limit: 10,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(nobody.is_empty());
}

#[tokio::test]
async fn storage_grows_with_changes_not_size() {
    let db = two_versions().await;
    let rows = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT (SELECT count(*) FROM node_state) + (SELECT count(*) FROM edge)",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap()
    };
    let before = rows().await;
    for i in 0..20 {
        let head = 2 + i;
        edit::apply(
            &db.pool,
            head,
            &[EditOp::SetDescription {
                key: s("tech"),
                description: format!("v{i}"),
            }],
            &crate::common::meta("d"),
        )
        .await
        .unwrap();
    }
    // One new state row per one-node edit; edges untouched.
    assert_eq!(rows().await - before, 20);
}
