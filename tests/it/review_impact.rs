//! Taxonomy changes send work to review in the same transaction as the publish: a removed
//! category's documents get items, a merge carries classifications over, new children make split
//! items, and a rollback puts everything back (keeping what people decided since). Previews say
//! all this before anything is written.

use dtrag_api::review::{self, DecideRequest, QueueRequest};
use dtrag_api::taxonomy::{self, EditRequest, RollbackRequest};
use dtrag_api::types::{Decision, EditOp, Reason, ReviewFilter};
use dtrag_api::Handle;

use crate::classify::handle;
use crate::common::{fingerprint, fresh_db, TestDb};
use crate::review_corpus::{assert_item_nodes_current, build, state, Spec};

/// 24 hand-labelled documents over `topics` > c0..c3 (about six each), no classifier run.
async fn labelled() -> (TestDb, Handle) {
    let db = fresh_db().await;
    let spec = Spec {
        categories: 4,
        labelled: 24,
        unlabelled: 0,
        noise: 1.0,
        seed: 5,
    };
    let corpus = build(&db, handle(&db, "cur"), &spec).await;
    (db, corpus.handle)
}

fn delete(key: &str) -> EditOp {
    EditOp::Delete {
        key: key.into(),
        cascade: false,
    }
}

fn add_child(key: &str, label: &str, parent: &str) -> EditOp {
    EditOp::Add {
        key: key.into(),
        label: label.into(),
        alt_labels: vec![],
        description: String::new(),
        parents: vec![parent.into()],
    }
}

fn request(ops: Vec<EditOp>) -> EditRequest {
    EditRequest {
        base: None,
        ops,
        message: None,
    }
}

async fn edit(h: &Handle, ops: Vec<EditOp>) -> dtrag_api::types::Published {
    taxonomy::publish_edits(h, request(ops)).await.unwrap()
}

async fn docs_under(db: &TestDb, key: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT d.source_id FROM document_category dc JOIN node n ON n.id = dc.node_id
         JOIN document d ON d.id = dc.document_id WHERE n.key = $1 ORDER BY 1",
    )
    .bind(key)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

fn items_of(reason: Reason) -> QueueRequest {
    QueueRequest {
        filter: ReviewFilter {
            reason: Some(reason),
            ..ReviewFilter::default()
        },
        limit: Some(100),
        ..QueueRequest::default()
    }
}

#[tokio::test]
async fn delete_merge_split_send_the_right_work_and_a_rollback_undoes_it() {
    let (db, h) = labelled().await;
    let start = state(&db).await;
    let in_c0 = docs_under(&db, "c0").await;
    let in_c1 = docs_under(&db, "c1").await;
    let in_c3 = docs_under(&db, "c3").await;
    assert!(!in_c0.is_empty() && !in_c1.is_empty() && !in_c3.is_empty());

    // The preview of a delete names the documents, and writes nothing.
    let before = fingerprint(&db.pool).await;
    let preview = taxonomy::preview_edits(&h, request(vec![delete("c0")]))
        .await
        .unwrap();
    assert_eq!(preview.impact.sent_to_review, in_c0.len() as i64);
    assert_eq!(preview.impact.entries[0].key, "c0");
    assert_eq!(preview.impact.entries[0].change, "removed");
    assert_eq!(fingerprint(&db.pool).await, before);

    // Delete: the documents leave c0 and each gets an item suggesting the parent.
    let p = edit(&h, vec![delete("c0")]).await;
    assert_eq!(p.impact.sent_to_review, in_c0.len() as i64);
    assert!(docs_under(&db, "c0").await.is_empty());
    let removed = review::list(&h, items_of(Reason::CategoryRemoved))
        .await
        .unwrap();
    assert_eq!(removed.total, in_c0.len() as i64);
    for i in &removed.items {
        assert_eq!(i.context.as_deref(), Some("c0"));
        assert_eq!(
            i.suggestions
                .iter()
                .map(|s| s.category.as_str())
                .collect::<Vec<_>>(),
            ["topics"]
        );
    }
    let superseded: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM classification c JOIN node n ON n.id = c.node_id
         WHERE n.key = 'c0' AND c.status = 'superseded'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        superseded,
        in_c0.len() as i64,
        "rows are kept, never deleted"
    );

    // Merge c1 into c2: classifications follow, nothing to review.
    let p = edit(
        &h,
        vec![EditOp::Merge {
            from: "c1".into(),
            into: "c2".into(),
        }],
    )
    .await;
    assert_eq!(p.impact.carried_by_merge, in_c1.len() as i64);
    let in_c2 = docs_under(&db, "c2").await;
    assert!(in_c1.iter().all(|d| in_c2.contains(d)));
    assert_eq!(
        review::list(&h, QueueRequest::default())
            .await
            .unwrap()
            .total,
        in_c0.len() as i64
    );

    // A new child under c3: a split item per document of c3, suggesting the child.
    let p = edit(&h, vec![add_child("c3.a", "A part of 3", "c3")]).await;
    assert_eq!(p.impact.split_items, in_c3.len() as i64);
    let split = review::list(&h, items_of(Reason::CategorySplit))
        .await
        .unwrap();
    assert_eq!(split.total, in_c3.len() as i64);
    assert!(split
        .items
        .iter()
        .all(|i| i.suggestions[0].category == "c3.a"));
    let changed = state(&db).await;

    // The audit log has the impact with each publish.
    let sent: Vec<i64> = sqlx::query_scalar(
        "SELECT (details->'classifications'->>'sent_to_review')::int8 FROM audit_log
         WHERE action = 'taxonomy.edit' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(sent, [in_c0.len() as i64, 0, 0]);

    // The diff from before to now says what the changes touched.
    let d = taxonomy::diff(&h, dtrag_api::taxonomy::DiffRequest { from: 1, to: 4 })
        .await
        .unwrap();
    let kinds: Vec<(String, String)> = d
        .impact
        .entries
        .iter()
        .map(|e| (e.key.clone(), e.change.clone()))
        .collect();
    assert!(
        kinds.contains(&("c0".into(), "removed".into())),
        "{kinds:?}"
    );
    assert!(kinds.contains(&("c1".into(), "merged".into())), "{kinds:?}");

    // Rollback to version 1 puts the classifications back and closes the items.
    let r = taxonomy::rollback(
        &h,
        RollbackRequest {
            to: 1,
            message: None,
        },
    )
    .await
    .unwrap();
    assert!(r.diff.impact.restored > 0);
    assert_eq!(
        state(&db).await,
        start,
        "back to the state before the changes"
    );
    assert_eq!(
        review::list(&h, QueueRequest::default())
            .await
            .unwrap()
            .total,
        0
    );

    // And rolling back the rollback gives the changed state again.
    taxonomy::rollback(
        &h,
        RollbackRequest {
            to: 4,
            message: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(state(&db).await, changed);
    assert_item_nodes_current(&db).await;
}

#[tokio::test]
async fn a_rollback_keeps_what_people_decided_since() {
    let (db, h) = labelled().await;
    let in_c0 = docs_under(&db, "c0").await;
    edit(&h, vec![delete("c0")]).await;
    let items = review::list(&h, items_of(Reason::CategoryRemoved))
        .await
        .unwrap()
        .items;
    // One item decided: the document goes under `topics`.
    review::decide(
        &h,
        DecideRequest {
            item: items[0].id,
            decision: Decision::Accept { categories: vec![] },
        },
    )
    .await
    .unwrap();
    let preview = taxonomy::preview_rollback(&h, 1).await.unwrap();
    assert!(preview.diff.impact.restored > 0);
    taxonomy::rollback(
        &h,
        RollbackRequest {
            to: 1,
            message: None,
        },
    )
    .await
    .unwrap();
    // Every document is back in c0; the decided one is also under `topics`, as decided.
    assert_eq!(docs_under(&db, "c0").await, in_c0);
    assert_eq!(
        docs_under(&db, "topics").await,
        vec![items[0].document.clone()]
    );
    // The decided item stays decided; the others were withdrawn.
    let open = review::list(&h, QueueRequest::default()).await.unwrap();
    assert_eq!(open.total, 0);
    let decided: i64 =
        sqlx::query_scalar("SELECT count(*) FROM review_item WHERE status = 'decided'")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(decided, 1);
}

#[tokio::test]
async fn a_refused_publish_leaves_classifications_untouched() {
    let (db, h) = labelled().await;
    let before = fingerprint(&db.pool).await;
    // Deleting a category with children is refused (without cascade): nothing is sent to review.
    let e = taxonomy::publish_edits(&h, request(vec![delete("topics")]))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), dtrag_api::ErrorKind::InvalidInput);
    assert_eq!(fingerprint(&db.pool).await, before);
}

#[tokio::test]
async fn the_next_classify_run_scores_split_items_among_the_new_children() {
    let (db, h) = labelled().await;
    let in_c3 = docs_under(&db, "c3").await;
    edit(&h, vec![add_child("c3.a", "A part of 3", "c3")]).await;
    // The new child's text vector: its parent's (the synthetic corpus has no real texts).
    let mut conn = db.pool.acquire().await.unwrap();
    let cats = dtrag_core::classify::load::categories(&mut conn)
        .await
        .unwrap();
    let i = cats.keys.iter().position(|k| k == "c3.a").unwrap();
    sqlx::query(
        "INSERT INTO category_embedding (model_id, node_id, text_hash, embedding)
         SELECT e.model_id, $1, md5($2), e.embedding FROM category_embedding e
         JOIN node n ON n.id = e.node_id WHERE n.key = 'c3'",
    )
    .bind(cats.ids[i])
    .bind(&cats.texts[i])
    .execute(&mut *conn)
    .await
    .unwrap();
    let out = review::classify(&h, Default::default(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(out.splits_rescored, in_c3.len(), "{out:?}");
    // Each split item is now either decided by the classifier or carries a real confidence.
    let open = review::list(&h, items_of(Reason::CategorySplit))
        .await
        .unwrap();
    assert_eq!(open.total as usize, in_c3.len() - out.splits_auto_accepted);
    assert!(open.items.iter().all(|i| i.suggestions[0].confidence > 0.0));
    let by_classifier: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM review_item WHERE reason = 'category_split' AND decided_by = 'classifier'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(by_classifier as usize, out.splits_auto_accepted);
}
