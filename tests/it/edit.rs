//! Edits: each operation, the DAG rules, stale bases, concurrency, and a dropped connection.

use dtrag_core::taxonomy::edit::{self, EditOp};
use dtrag_core::taxonomy::{import, read};
use dtrag_core::{Error, ErrorKind};

async fn sample_db() -> crate::common::TestDb {
    let db = crate::common::fresh_db().await;
    let file = crate::common::parse_import(crate::common::SAMPLE).unwrap();
    import::import(&db.pool, file, &crate::common::meta("sample"), "sample")
        .await
        .unwrap();
    db
}

async fn apply(db: &crate::common::TestDb, ops: Vec<EditOp>) -> dtrag_core::Result<Option<i64>> {
    let mut conn = db.pool.acquire().await.unwrap();
    let head = read::head_version(&mut conn).await.unwrap();
    drop(conn);
    Ok(
        edit::apply(&db.pool, head, &ops, &crate::common::meta("edit"))
            .await?
            .version,
    )
}

async fn parents(db: &crate::common::TestDb, key: &str) -> Vec<String> {
    let mut conn = db.pool.acquire().await.unwrap();
    let mut keys: Vec<String> = read::show(&mut conn, None, key)
        .await
        .unwrap()
        .parents
        .into_iter()
        .map(|p| p.key)
        .collect();
    keys.sort();
    keys
}

fn s(x: &str) -> String {
    x.to_string()
}

#[tokio::test]
async fn a_change_set_is_one_version() {
    let db = sample_db().await;
    let v = apply(
        &db,
        vec![
            EditOp::Add {
                key: s("tech.ai.agents"),
                label: s("Agents"),
                alt_labels: vec![s("Tool use")],
                description: s("LLMs that act."),
                parents: vec![s("tech.ai")],
            },
            EditOp::Rename {
                key: s("tech.ai"),
                label: s("AI"),
            },
            EditOp::SetDescription {
                key: s("tech.ai"),
                description: s("Machines that think."),
            },
            EditOp::SetAltLabels {
                key: s("tech.ai"),
                alt_labels: vec![s("Artificial intelligence")],
            },
            EditOp::AddParent {
                key: s("tech.ai.agents"),
                parent: s("business.support"),
            },
        ],
    )
    .await
    .unwrap();
    assert_eq!(v, Some(2));
    let mut conn = db.pool.acquire().await.unwrap();
    let ai = read::show(&mut conn, None, "tech.ai").await.unwrap();
    assert_eq!(ai.label, "AI");
    assert_eq!(ai.description, "Machines that think.");
    assert_eq!(ai.alt_labels, ["Artificial intelligence"]);
    assert_eq!(
        parents(&db, "tech.ai.agents").await,
        ["business.support", "tech.ai"]
    );
    // The base version is untouched.
    assert_eq!(
        read::show(&mut conn, Some(1), "tech.ai")
            .await
            .unwrap()
            .label,
        "Artificial intelligence"
    );
    let versions = read::versions(&mut conn).await.unwrap();
    assert_eq!(
        versions.last().unwrap().kind,
        dtrag_core::taxonomy::VersionKind::Edit
    );
}

#[tokio::test]
async fn move_remove_parent_and_roots() {
    let db = sample_db().await;
    apply(
        &db,
        vec![EditOp::Move {
            key: s("tech.search.bm25"),
            parents: vec![s("tech.search"), s("science.math")],
        }],
    )
    .await
    .unwrap();
    assert_eq!(
        parents(&db, "tech.search.bm25").await,
        ["science.math", "tech.search"]
    );
    apply(
        &db,
        vec![EditOp::RemoveParent {
            key: s("tech.search.bm25"),
            parent: s("science.math"),
        }],
    )
    .await
    .unwrap();
    assert_eq!(parents(&db, "tech.search.bm25").await, ["tech.search"]);
    // Moving to no parents makes a root.
    apply(
        &db,
        vec![EditOp::Move {
            key: s("business"),
            parents: vec![],
        }],
    )
    .await
    .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let roots: Vec<String> = read::roots(&mut conn, read::At::head(4))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(roots, ["business", "knowledge"]);
}

#[tokio::test]
async fn cycles_are_refused_naming_the_path_and_nothing_is_written() {
    let db = sample_db().await;
    let before = crate::common::fingerprint(&db.pool).await;
    let err = apply(
        &db,
        vec![EditOp::AddParent {
            key: s("tech"),
            parent: s("tech.db.pgvector"),
        }],
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cycle);
    let msg = err.to_string();
    assert!(msg.contains("cycle refused"), "{msg}");
    // One shortest cycle through the new edge, child -> parent.
    assert!(msg.contains("tech -> tech.db.pgvector -> "), "{msg}");
    assert!(msg.trim_end().ends_with("-> tech"), "{msg}");
    // A cycle made by a move, and a self-parent.
    let err = apply(
        &db,
        vec![EditOp::Move {
            key: s("knowledge"),
            parents: vec![s("science.math.graphs")],
        }],
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("knowledge -> science.math.graphs -> science.math -> science -> knowledge"),
        "{err}"
    );
    let err = apply(
        &db,
        vec![EditOp::AddParent {
            key: s("science"),
            parent: s("science"),
        }],
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cycle, "{err}");
    // A cycle formed only by two operations of the same change set together.
    let err = apply(
        &db,
        vec![
            EditOp::Add {
                key: s("x"),
                label: s("X"),
                alt_labels: vec![],
                description: s(""),
                parents: vec![s("science.physics")],
            },
            EditOp::AddParent {
                key: s("science.physics"),
                parent: s("x"),
            },
        ],
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, Error::Cycle { path } if path.contains(&s("x"))),
        "{err}"
    );
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);
}

#[tokio::test]
async fn invalid_operations_name_the_operation_and_write_nothing() {
    let db = sample_db().await;
    let before = crate::common::fingerprint(&db.pool).await;
    let cases: Vec<(Vec<EditOp>, &str)> = vec![
        (
            vec![EditOp::Rename {
                key: s("nope"),
                label: s("X"),
            }],
            "operation 1 (rename): node \"nope\" does not exist",
        ),
        (
            vec![EditOp::Rename {
                key: s("tech"),
                label: s("  "),
            }],
            "the label is empty",
        ),
        (
            vec![EditOp::Add {
                key: s("tech"),
                label: s("T"),
                alt_labels: vec![],
                description: s(""),
                parents: vec![],
            }],
            "already exists",
        ),
        (
            vec![EditOp::Add {
                key: s(""),
                label: s("T"),
                alt_labels: vec![],
                description: s(""),
                parents: vec![],
            }],
            "the key is empty",
        ),
        (
            vec![EditOp::Add {
                key: s("n"),
                label: s("N"),
                alt_labels: vec![],
                description: s(""),
                parents: vec![s("ghost")],
            }],
            "node \"ghost\" does not exist",
        ),
        (
            vec![EditOp::AddParent {
                key: s("tech.ai"),
                parent: s("tech"),
            }],
            "already a parent",
        ),
        (
            vec![EditOp::RemoveParent {
                key: s("tech.ai"),
                parent: s("science"),
            }],
            "is not a parent",
        ),
        (
            vec![EditOp::Delete {
                key: s("tech.db"),
                cascade: false,
            }],
            "cannot delete \"tech.db\": it has children (tech.db.postgres)",
        ),
        (
            vec![EditOp::Merge {
                from: s("tech"),
                into: s("tech"),
            }],
            "into itself",
        ),
        (
            vec![
                EditOp::Rename {
                    key: s("tech"),
                    label: s("T"),
                },
                EditOp::Delete {
                    key: s("ghost"),
                    cascade: true,
                },
            ],
            "operation 2 (delete)",
        ),
    ];
    for (ops, expected) in cases {
        let err = apply(&db, ops.clone())
            .await
            .expect_err(expected)
            .to_string();
        assert!(err.contains(expected), "{ops:?}: got {err:?}");
        assert_eq!(
            crate::common::fingerprint(&db.pool).await,
            before,
            "{ops:?} wrote something"
        );
    }
}

#[tokio::test]
async fn delete_after_reparenting_and_with_cascade() {
    let db = sample_db().await;
    // Re-parent the only child in the same change set, then the delete is allowed.
    apply(
        &db,
        vec![
            EditOp::Move {
                key: s("tech.db.postgres"),
                parents: vec![s("tech")],
            },
            EditOp::Delete {
                key: s("tech.db"),
                cascade: false,
            },
        ],
    )
    .await
    .unwrap();
    assert_eq!(parents(&db, "tech.db.postgres").await, ["tech"]);
    // Cascade: children left without a parent go too; a child with another parent stays.
    apply(
        &db,
        vec![EditOp::Delete {
            key: s("tech.search"),
            cascade: true,
        }],
    )
    .await
    .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let keys: Vec<String> = read::export(&mut conn, None)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert!(!keys.contains(&s("tech.search")));
    assert!(!keys.contains(&s("tech.search.bm25")));
    assert!(
        keys.contains(&s("tech.search.vector")),
        "vector search also has tech.ai.ml as parent"
    );
    assert!(keys.contains(&s("tech.ai.rag")));
    assert_eq!(parents(&db, "tech.search.vector").await, ["tech.ai.ml"]);
}

#[tokio::test]
async fn merge_moves_children_and_labels() {
    let db = sample_db().await;
    apply(
        &db,
        vec![EditOp::Merge {
            from: s("tech.search"),
            into: s("tech.ai"),
        }],
    )
    .await
    .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let ai = read::show(&mut conn, None, "tech.ai").await.unwrap();
    assert_eq!(ai.alt_labels, ["AI", "Information retrieval", "Search"]);
    let kids: Vec<String> = ai.children.iter().map(|c| c.key.clone()).collect();
    for k in [
        "tech.search.bm25",
        "tech.search.vector",
        "tech.ai.rag",
        "tech.ai.ml",
        "tech.ai.nlp",
    ] {
        assert!(kids.contains(&s(k)), "{k} not under tech.ai: {kids:?}");
    }
    assert!(matches!(
        read::show(&mut conn, None, "tech.search").await,
        Err(Error::NoSuchNode { .. })
    ));
    // rag had parents nlp and search: now nlp and ai.
    assert_eq!(
        parents(&db, "tech.ai.rag").await,
        ["tech.ai", "tech.ai.nlp"]
    );
}

#[tokio::test]
async fn stale_base_rebases_or_reports_the_conflict() {
    let db = sample_db().await;
    apply(
        &db,
        vec![EditOp::Rename {
            key: s("tech"),
            label: s("Tech"),
        }],
    )
    .await
    .unwrap(); // v2
               // Based on v1, touching other nodes: rebased onto v2.
    let p = edit::apply(
        &db.pool,
        1,
        &[EditOp::Rename {
            key: s("science"),
            label: s("Sciences"),
        }],
        &crate::common::meta("rebased"),
    )
    .await
    .unwrap();
    assert_eq!(p.version, Some(3));
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        read::show(&mut conn, None, "tech").await.unwrap().label,
        "Tech"
    );
    assert_eq!(
        read::show(&mut conn, None, "science").await.unwrap().label,
        "Sciences"
    );
    drop(conn);
    // Based on v1, touching a node changed since: conflict, nothing written.
    let before = crate::common::fingerprint(&db.pool).await;
    let err = edit::apply(
        &db.pool,
        1,
        &[EditOp::SetDescription {
            key: s("tech"),
            description: s("x"),
        }],
        &crate::common::meta("stale"),
    )
    .await
    .unwrap_err();
    match err {
        Error::Conflict { base, head, keys } => {
            assert_eq!((base, head), (1, 3));
            assert_eq!(keys, ["tech"]);
        }
        other => panic!("expected a conflict, got {other}"),
    }
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);
    // A base that does not exist.
    let err = edit::apply(
        &db.pool,
        42,
        &[EditOp::Rename {
            key: s("tech"),
            label: s("T"),
        }],
        &crate::common::meta("x"),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::NoSuchVersion(42)));
}

#[tokio::test]
async fn concurrent_publishes_are_serialised_into_dense_versions() {
    let db = sample_db().await;
    let keys = [
        "tech",
        "science",
        "humanities",
        "business",
        "tech.ai",
        "tech.db",
        "science.math",
        "humanities.history",
    ];
    let mut tasks = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let pool = db.pool.clone();
        let key = s(k);
        tasks.push(tokio::spawn(async move {
            // All based on version 1: disjoint nodes, so every one rebases cleanly.
            edit::apply(
                &pool,
                1,
                &[EditOp::SetDescription {
                    key,
                    description: format!("edit {i}"),
                }],
                &crate::common::meta("concurrent"),
            )
            .await
            .map(|p| p.version)
        }));
    }
    let mut versions = Vec::new();
    for t in tasks {
        versions.push(t.await.unwrap().unwrap().unwrap());
    }
    versions.sort();
    assert_eq!(versions, (2..2 + keys.len() as i64).collect::<Vec<_>>());
    let mut conn = db.pool.acquire().await.unwrap();
    for (i, k) in keys.iter().enumerate() {
        assert_eq!(
            read::show(&mut conn, None, k).await.unwrap().description,
            format!("edit {i}")
        );
    }
    // Two concurrent edits of the same node from the same base: one wins, one conflicts.
    let head = read::head_version(&mut conn).await.unwrap();
    let (ops_a, ops_b) = (
        [EditOp::Rename {
            key: s("tech"),
            label: s("A"),
        }],
        [EditOp::Rename {
            key: s("tech"),
            label: s("B"),
        }],
    );
    let (meta_a, meta_b) = (crate::common::meta("a"), crate::common::meta("b"));
    let a = edit::apply(&db.pool, head, &ops_a, &meta_a);
    let b = edit::apply(&db.pool, head, &ops_b, &meta_b);
    let (ra, rb) = tokio::join!(a, b);
    assert_eq!(
        [ra.is_ok(), rb.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{ra:?} {rb:?}"
    );
    assert!(matches!(
        ra.err().or(rb.err()),
        Some(Error::Conflict { .. })
    ));
}

#[tokio::test]
async fn a_dropped_connection_mid_publish_writes_nothing_and_the_pool_recovers() {
    let db = sample_db().await;
    let before = crate::common::fingerprint(&db.pool).await;
    // Hold the publish lock in another session so the publish waits inside its transaction.
    let mut holder = db.pool.acquire().await.unwrap();
    sqlx::query("BEGIN").execute(&mut *holder).await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(0x64_74_72_61_67_i64)
        .execute(&mut *holder)
        .await
        .unwrap();
    let pool = db.pool.clone();
    let publish = tokio::spawn(async move {
        edit::apply(
            &pool,
            1,
            &[EditOp::Rename {
                key: s("tech"),
                label: s("Never"),
            }],
            &crate::common::meta("doomed"),
        )
        .await
    });
    // Wait until the publish is blocked on the lock, then kill its backend.
    let mut killed = false;
    // Up to 10 s: the machine may be busy with other tests.
    for _ in 0..500 {
        assert!(
            !publish.is_finished(),
            "the publish did not wait for the lock: {:?}",
            publish.await
        );
        let n: i64 = sqlx::query_scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event = 'advisory'",
        )
        // Not on `holder`: inside its transaction pg_stat_activity would be a frozen snapshot.
        // As the admin login: dtrag_app may not end another login's backend.
        .fetch_one(&db.admin)
        .await
        .unwrap();
        if n > 0 {
            killed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(killed, "the publish never waited on the lock");
    let result = publish.await.unwrap();
    assert!(matches!(result, Err(Error::Db(_))), "{result:?}");
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    drop(holder);
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);
    // The pool replaces the dead connection: the next publish works.
    assert_eq!(
        apply(
            &db,
            vec![EditOp::Rename {
                key: s("tech"),
                label: s("After")
            }]
        )
        .await
        .unwrap(),
        Some(2)
    );
}

#[test]
fn change_set_files_are_parsed_with_line_numbers() {
    let path = std::path::Path::new("ops.jsonl");
    let ok = "{\"op\":\"rename\",\"key\":\"a\",\"label\":\"B\"}\n\n{\"op\":\"delete\",\"key\":\"c\",\"cascade\":true}\n";
    let ops = edit::parse_ops(std::io::Cursor::new(ok), path).unwrap();
    assert_eq!(ops.len(), 2);
    assert_eq!(
        ops[1],
        EditOp::Delete {
            key: s("c"),
            cascade: true
        }
    );
    let bad =
        "{\"op\":\"rename\",\"key\":\"a\",\"label\":\"B\"}\n{\"op\":\"explode\",\"key\":\"a\"}\n";
    let err = edit::parse_ops(std::io::Cursor::new(bad), path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("ops.jsonl:2: malformed operation"), "{err}");
    let err = edit::parse_ops(std::io::Cursor::new("\n"), path)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no operations"), "{err}");
}

#[tokio::test]
async fn preview_shows_the_diff_and_writes_nothing() {
    let db = sample_db().await;
    let before = crate::common::fingerprint(&db.pool).await;
    let ops = vec![
        EditOp::Rename {
            key: s("tech"),
            label: s("Tech"),
        },
        EditOp::Add {
            key: s("new"),
            label: s("New"),
            alt_labels: vec![],
            description: s(""),
            parents: vec![s("tech")],
        },
    ];
    let d = edit::preview(&db.pool, 1, &ops, &crate::common::meta("preview"))
        .await
        .unwrap();
    assert_eq!((d.from, d.to), (1, 2));
    assert_eq!(d.summary.renamed, 1);
    assert_eq!(d.added[0].key, "new");
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);
    // A preview reports the same refusals as a publish.
    let err = edit::preview(
        &db.pool,
        1,
        &[EditOp::AddParent {
            key: s("tech"),
            parent: s("tech.ai"),
        }],
        &crate::common::meta("p"),
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("cycle refused: tech -> tech.ai -> tech"),
        "{err}"
    );
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);
}
