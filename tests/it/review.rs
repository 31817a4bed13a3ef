//! The review queue: every decision kind, undo, leases between two reviewers, conflicts on stale
//! decisions, bulk accepts with their guard — each refusal leaving the database as it was.

use dtrag_api::review::{self, BulkRequest, DecideRequest, ItemRequest, QueueRequest, UndoRequest};
use dtrag_api::types::{Decision, Reason, ReviewFilter, ReviewItem, ReviewOrder};
use dtrag_api::{ErrorKind, Handle};

use crate::classify::handle;
use crate::common::{fingerprint, fresh_db, TestDb};
use crate::review_corpus::{assert_item_nodes_current, build, Spec};

/// A queue of 12 items (no labels: nothing is auto-accepted) with two reviewers on it.
async fn queue() -> (TestDb, Handle, Handle) {
    let db = fresh_db().await;
    let spec = Spec {
        categories: 4,
        labelled: 0,
        unlabelled: 12,
        // Noisy enough that most documents have several plausible categories.
        noise: 8.0,
        seed: 3,
    };
    let corpus = build(&db, handle(&db, "ada"), &spec).await;
    let out = review::classify(&corpus.handle, Default::default(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(out.queued, 12);
    let bob = handle(&db, "bob");
    (db, corpus.handle, bob)
}

fn page(limit: i64) -> QueueRequest {
    QueueRequest {
        limit: Some(limit),
        ..QueueRequest::default()
    }
}

async fn decide(
    h: &Handle,
    item: i64,
    decision: Decision,
) -> dtrag_api::Result<dtrag_api::types::DecisionOutcome> {
    review::decide(h, DecideRequest { item, decision }).await
}

async fn status_of(db: &TestDb, item: i64) -> String {
    sqlx::query_scalar("SELECT status FROM review_item WHERE id = $1")
        .bind(item)
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// (category, status) of the item's document's live rows.
async fn rows_of(db: &TestDb, item: &ReviewItem) -> Vec<(String, String, String)> {
    sqlx::query_as(
        "SELECT n.key, c.status, c.source FROM classification c JOIN node n ON n.id = c.node_id
         JOIN document d ON d.id = c.document_id
         WHERE d.source_id = $1 AND c.status <> 'superseded' ORDER BY n.key",
    )
    .bind(&item.document)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn each_decision_kind_writes_what_it_says_and_undo_puts_it_back() {
    let (db, ada, _) = queue().await;
    let items = review::next(&ada, page(5)).await.unwrap().items;
    assert_eq!(items.len(), 5);
    assert!(items
        .iter()
        .all(|i| i.lease_owner.as_deref() == Some("ada")));
    assert!(
        items[0].suggestions.iter().all(|s| !s.paths.is_empty()),
        "next gives paths"
    );

    // Accept the top suggestion.
    let top = items[0].suggestions[0].category.clone();
    let d = decide(&ada, items[0].id, Decision::Accept { categories: vec![] })
        .await
        .unwrap();
    assert_eq!(d.accepted, vec![top.clone()]);
    let r = rows_of(&db, &items[0]).await;
    assert!(r.contains(&(top.clone(), "accepted".into(), "human".into())));
    assert!(r.iter().filter(|x| x.0 != top).all(|x| x.1 == "rejected"));

    // Accept the second suggestion by name.
    assert!(
        items[1].suggestions.len() >= 2,
        "{:?}",
        items[1].suggestions
    );
    let second = items[1].suggestions[1].category.clone();
    let d = decide(
        &ada,
        items[1].id,
        Decision::Accept {
            categories: vec![second.clone()],
        },
    )
    .await
    .unwrap();
    assert_eq!(d.accepted, vec![second]);

    // A category that is not a suggestion must be a reassign.
    let not_one = decide(
        &ada,
        items[2].id,
        Decision::Accept {
            categories: vec!["topics".into()],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(not_one.kind(), ErrorKind::InvalidInput);

    // Reject, reassign (to a suggestion and a category that is not one), skip.
    decide(&ada, items[2].id, Decision::Reject).await.unwrap();
    assert!(rows_of(&db, &items[2])
        .await
        .iter()
        .all(|r| r.1 == "rejected"));
    let keep = items[3].suggestions[0].category.clone();
    let d = decide(
        &ada,
        items[3].id,
        Decision::Reassign {
            to: vec![keep.clone(), "topics".into()],
        },
    )
    .await
    .unwrap();
    assert_eq!(d.accepted.len(), 2);
    let r = rows_of(&db, &items[3]).await;
    assert!(r.contains(&("topics".into(), "accepted".into(), "human".into())));
    assert!(r.contains(&(keep, "accepted".into(), "human".into())));
    let unknown = decide(
        &ada,
        items[4].id,
        Decision::Reassign {
            to: vec!["nope".into()],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::NotFound);
    review::skip(&ada, ItemRequest { item: items[4].id })
        .await
        .unwrap();
    let last = review::list(&ada, page(100)).await.unwrap();
    assert_eq!(
        last.items.last().map(|i| i.id),
        Some(items[4].id),
        "skipped goes last"
    );

    // The sidebar, newest first; undo the latest (the reassign), then a specific older one.
    let recent = review::recent(&ada).await.unwrap();
    assert_eq!(recent.len(), 4);
    assert_eq!(recent[0].item, items[3].id);
    let before_reassign: Vec<_> = items[3]
        .suggestions
        .iter()
        .map(|s| {
            (
                s.category.clone(),
                "pending".to_string(),
                "model".to_string(),
            )
        })
        .collect();
    let u = review::undo(&ada, UndoRequest::default()).await.unwrap();
    assert_eq!((u.item, u.action.as_str()), (items[3].id, "reassign"));
    let mut now = rows_of(&db, &items[3]).await;
    now.sort();
    let mut want = before_reassign;
    want.sort();
    assert_eq!(
        now, want,
        "undo restores every row exactly; the created one is gone"
    );
    assert_eq!(status_of(&db, items[3].id).await, "open");
    let first = recent.iter().find(|r| r.item == items[0].id).unwrap();
    review::undo(
        &ada,
        UndoRequest {
            decision: Some(first.decision_id),
        },
    )
    .await
    .unwrap();
    assert_eq!(status_of(&db, items[0].id).await, "open");
    // The audit log has every decision and undo.
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE starts_with(action, 'review.') ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "review.accept",
            "review.accept",
            "review.reject",
            "review.reassign",
            "review.skip",
            "review.undo",
            "review.undo"
        ]
    );
    assert_item_nodes_current(&db).await;
}

#[tokio::test]
async fn two_reviewers_never_get_the_same_item_and_stale_decisions_are_conflicts() {
    let (db, ada, bob) = queue().await;
    let a = review::next(&ada, page(4)).await.unwrap().items;
    let b = review::next(&bob, page(4)).await.unwrap().items;
    assert_eq!((a.len(), b.len()), (4, 4));
    assert!(
        a.iter().all(|x| b.iter().all(|y| y.id != x.id)),
        "disjoint leases"
    );
    // Bob's list hides Ada's leased items.
    let bobs = review::list(&bob, page(100)).await.unwrap();
    assert_eq!(bobs.total, 8);

    // Bob deciding Ada's leased item: a conflict, nothing written.
    let before = fingerprint(&db.pool).await;
    let e = decide(&bob, a[0].id, Decision::Reject).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.to_string().contains("leased to ada"), "{e}");
    assert_eq!(fingerprint(&db.pool).await, before);

    // Ada decides; a second decision on it (by anyone) is a conflict, nothing written.
    decide(&ada, a[0].id, Decision::Accept { categories: vec![] })
        .await
        .unwrap();
    let before = fingerprint(&db.pool).await;
    for h in [&ada, &bob] {
        let e = decide(h, a[0].id, Decision::Reject).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict);
        assert!(e.to_string().contains("already decided by ada"), "{e}");
    }
    assert_eq!(fingerprint(&db.pool).await, before);
    // Bob cannot undo Ada's decision.
    assert_eq!(
        review::undo(&bob, UndoRequest::default())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
    // An unknown item.
    assert_eq!(
        decide(&ada, 999_999, Decision::Reject)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn concurrent_decisions_on_one_item_write_exactly_one() {
    let (db, ada, _) = queue().await;
    let item = review::list(&ada, page(1)).await.unwrap().items[0].id;
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let h = ada.clone();
            tokio::spawn(async move { decide(&h, item, Decision::Reject).await })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert_eq!(e.kind(), ErrorKind::Conflict),
        }
    }
    assert_eq!(ok, 1);
    let decisions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM review_decision WHERE review_item_id = $1")
            .bind(item)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    assert_eq!(decisions, 1);
}

#[tokio::test]
async fn bulk_accept_counts_guards_and_accepts_every_match() {
    let (db, ada, _) = queue().await;
    let all = ReviewFilter::default();
    let dry = review::bulk_accept(
        &ada,
        BulkRequest {
            filter: all.clone(),
            floor: Some(0.0),
            force: false,
            dry_run: true,
        },
    )
    .await
    .unwrap();
    assert_eq!((dry.matched, dry.accepted), (12, 0));

    // A floor above some items refuses the whole bulk, writing nothing.
    let before = fingerprint(&db.pool).await;
    let refused = review::bulk_accept(
        &ada,
        BulkRequest {
            filter: all.clone(),
            floor: Some(1.0),
            force: false,
            dry_run: false,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidInput);
    assert!(refused.to_string().contains("--force"), "{refused}");
    assert_eq!(fingerprint(&db.pool).await, before);

    // A filter narrows it (not a page: all matches), and --force passes the floor.
    let some = ReviewFilter {
        under: vec!["c0".into()],
        ..ReviewFilter::default()
    };
    let n = review::list(
        &ada,
        QueueRequest {
            filter: some.clone(),
            ..page(100)
        },
    )
    .await
    .unwrap()
    .total;
    let done = review::bulk_accept(
        &ada,
        BulkRequest {
            filter: some,
            floor: Some(1.0),
            force: true,
            dry_run: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(done.accepted, n);
    let open = review::list(&ada, page(100)).await.unwrap().total;
    assert_eq!(open, 12 - n);
    // Each bulk decision is undoable on its own.
    review::undo(&ada, UndoRequest::default()).await.unwrap();
    assert_eq!(
        review::list(&ada, page(100)).await.unwrap().total,
        12 - n + 1
    );
}

#[tokio::test]
async fn filters_orders_and_limits() {
    let (_db, ada, _) = queue().await;
    let by_margin = review::list(&ada, page(100)).await.unwrap().items;
    assert!(by_margin.windows(2).all(|w| w[0].margin <= w[1].margin));
    let oldest = review::list(
        &ada,
        QueueRequest {
            order: ReviewOrder::Oldest,
            ..page(100)
        },
    )
    .await
    .unwrap()
    .items;
    assert!(oldest
        .windows(2)
        .all(|w| w[0].created_at <= w[1].created_at));
    let reason = review::list(
        &ada,
        QueueRequest {
            filter: ReviewFilter {
                reason: Some(Reason::AuditSample),
                ..ReviewFilter::default()
            },
            ..page(100)
        },
    )
    .await
    .unwrap();
    assert_eq!(reason.total, 0);
    let confident = review::list(
        &ada,
        QueueRequest {
            filter: ReviewFilter {
                min_confidence: Some(0.5),
                ..ReviewFilter::default()
            },
            ..page(100)
        },
    )
    .await
    .unwrap();
    assert!(confident.items.iter().all(|i| i.top_confidence >= 0.5));
    // `under` a leaf category: exactly the items suggesting it; under the root: all of them.
    for (key, root) in [("c1", false), ("topics", true)] {
        let under = review::list(
            &ada,
            QueueRequest {
                filter: ReviewFilter {
                    under: vec![key.into()],
                    ..ReviewFilter::default()
                },
                ..page(100)
            },
        )
        .await
        .unwrap();
        let mut want: Vec<i64> = by_margin
            .iter()
            .filter(|i| root || i.suggestions.iter().any(|s| s.category == key))
            .map(|i| i.id)
            .collect();
        let mut got: Vec<i64> = under.items.iter().map(|i| i.id).collect();
        assert_eq!(under.total as usize, got.len());
        want.sort();
        got.sort();
        assert_eq!(got, want, "under {key}");
        assert!(
            !got.is_empty() && (root || got.len() < by_margin.len()),
            "under {key}"
        );
    }
    for bad in [0, 1001] {
        let e = review::list(&ada, page(bad)).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
    }
    let e = review::list(
        &ada,
        QueueRequest {
            filter: ReviewFilter {
                under: vec!["no-such".into()],
                ..ReviewFilter::default()
            },
            ..page(10)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    // A hostile string is just a key that does not exist.
    let e = review::list(
        &ada,
        QueueRequest {
            filter: ReviewFilter {
                under: vec!["x'); DROP TABLE classification; --".into()],
                ..ReviewFilter::default()
            },
            ..page(10)
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    let stats = review::stats(&ada).await.unwrap();
    assert_eq!(
        (
            stats.pending,
            stats.classified_documents,
            stats.queued_documents
        ),
        (12, 12, 12)
    );
    assert_eq!(stats.hitl_rate, Some(1.0));
}
