//! The materialised scope follows every change exactly: publishes (add, move, delete, merge,
//! rollback), pins, documents, every review decision, undo, bulk accept and classify runs —
//! compared with a recursive recomputation after each step.

use dtrag_api::agents;
use dtrag_api::documents;
use dtrag_api::taxonomy::{self, DiffRequest, RollbackRequest};
use dtrag_api::types::{AgentChange, ChunkSettings, EditOp, NewAgent};

use crate::agents::{assert_scopes_exact, edit, new_agent, scope_of, world, ANIMALS};
use crate::classify::handle;
use crate::common::{doc, fingerprint, fresh_db};

#[tokio::test]
async fn the_scope_follows_publishes_documents_and_pins() {
    let (db, h) = world().await;
    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    let head: i64 = sqlx::query_scalar("SELECT max(version) FROM taxonomy_version")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    agents::create(
        &h,
        &NewAgent {
            pinned_version: Some(head),
            ..new_agent("zoo-pinned", &["animals"])
        },
    )
    .await
    .unwrap();
    agents::create(&h, &new_agent("birder", &["birds"]))
        .await
        .unwrap();
    assert_eq!(scope_of(&db, "zoo").await, ANIMALS);
    assert_eq!(
        scope_of(&db, "birder").await,
        ["bird1", "bird2", "both1", "sea1"]
    );
    assert_scopes_exact(&db).await;

    // A new category under an allowed one, and a document in it: in scope at once.
    let p = taxonomy::publish_edits(
        &h,
        edit(vec![EditOp::Add {
            key: "parrots".into(),
            label: "Parrots".into(),
            alt_labels: vec![],
            description: String::new(),
            parents: vec!["birds".into()],
        }]),
    )
    .await
    .unwrap();
    assert!(
        p.agent_scopes.is_empty(),
        "no document is under the new category yet"
    );
    documents::add_inputs(
        &h,
        &[doc("parrot1", "a parrot repeats words", &["parrots"])],
        ChunkSettings::default(),
        true,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert!(scope_of(&db, "zoo").await.contains(&"parrot1".to_string()));
    assert!(!scope_of(&db, "zoo-pinned")
        .await
        .contains(&"parrot1".to_string()));
    assert_scopes_exact(&db).await;

    // Fish moved out of animals: its documents leave the followers' scope in that publish,
    // except those still under animals another way (sea1 through birds); the pin keeps them.
    let moved = taxonomy::publish_edits(
        &h,
        edit(vec![EditOp::Move {
            key: "fish".into(),
            parents: vec!["plants".into()],
        }]),
    )
    .await
    .unwrap();
    assert!(!scope_of(&db, "zoo").await.contains(&"fish1".to_string()));
    assert!(scope_of(&db, "zoo").await.contains(&"sea1".to_string()));
    assert!(scope_of(&db, "zoo-pinned")
        .await
        .contains(&"fish1".to_string()));
    assert_eq!(moved.agent_scopes.len(), 1, "{:?}", moved.agent_scopes);
    assert_eq!(moved.agent_scopes[0].agent, "zoo");
    assert_eq!(
        (moved.agent_scopes[0].added, moved.agent_scopes[0].removed),
        (0, 1)
    );
    assert_eq!(
        moved.agent_scopes[0].documents_after,
        moved.agent_scopes[0].documents_before - 1
    );
    assert_scopes_exact(&db).await;
    // The diff panel names the same change between those versions, and changes nothing.
    let v = moved.version.unwrap();
    let before = fingerprint(&db.pool).await;
    let d = taxonomy::diff(&h, DiffRequest { from: v - 1, to: v })
        .await
        .unwrap();
    assert_eq!(d.agent_scopes, moved.agent_scopes);
    let back = taxonomy::diff(&h, DiffRequest { from: v, to: v - 1 })
        .await
        .unwrap();
    assert_eq!(
        (back.agent_scopes[0].added, back.agent_scopes[0].removed),
        (1, 0)
    );
    // A rollback's preview names it too.
    let preview = taxonomy::preview_rollback(&h, v - 1).await.unwrap();
    assert_eq!(preview.diff.agent_scopes, back.agent_scopes);
    assert_eq!(
        fingerprint(&db.pool).await,
        before,
        "a diff or preview wrote something"
    );

    // A document removed, and one re-added without its category.
    documents::remove(&h, "bird2").await.unwrap();
    documents::add_inputs(
        &h,
        &[doc(
            "both1",
            "a woodpecker drums on an old oak tree",
            &["trees"],
        )],
        ChunkSettings::default(),
        true,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert!(!scope_of(&db, "birder").await.contains(&"both1".to_string()));
    assert_scopes_exact(&db).await;

    // Deleting an allowed category empties what came only through it; a rollback restores it.
    let before_delete = scope_of(&db, "birder").await;
    let top = taxonomy::publish_edits(
        &h,
        edit(vec![EditOp::Delete {
            key: "birds".into(),
            cascade: true,
        }]),
    )
    .await
    .unwrap()
    .version
    .unwrap();
    assert_scopes_exact(&db).await;
    assert!(scope_of(&db, "birder").await.len() < before_delete.len());
    taxonomy::rollback(
        &h,
        RollbackRequest {
            to: top - 1,
            message: None,
        },
    )
    .await
    .unwrap();
    assert_scopes_exact(&db).await;
    assert_eq!(scope_of(&db, "birder").await, before_delete);

    // Re-pinning to the head, then following it again.
    agents::update(
        &h,
        "zoo-pinned",
        &AgentChange {
            pinned_version: Some(None),
            ..AgentChange::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        scope_of(&db, "zoo-pinned").await,
        scope_of(&db, "zoo").await
    );
    assert_scopes_exact(&db).await;
    assert_diffs_match_whole_scopes(&db, &h).await;
}

/// Every diff between two versions (against the head and between older ones, both ways: under
/// load the head moves between reading it and diffing) names the agents whose documents differ
/// exactly as two whole scope computations do (the diff itself only walks the nodes below edges
/// changed since the older version).
async fn assert_diffs_match_whole_scopes(db: &crate::common::TestDb, h: &dtrag_api::Handle) {
    let head: i64 = sqlx::query_scalar("SELECT max(version) FROM taxonomy_version")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let agents: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM agent WHERE pinned_version IS NULL ORDER BY name")
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let mut compared = 0;
    let pairs = (1..head).flat_map(|v| (v + 1..=head).flat_map(move |w| [(v, w), (w, v)]));
    for (from, to) in pairs {
        let d = taxonomy::diff(h, DiffRequest { from, to }).await.unwrap();
        let mut want = Vec::new();
        for (id, name) in &agents {
            let (before, after, added, removed): (i64, i64, i64, i64) = sqlx::query_as(
                "WITH b AS MATERIALIZED (SELECT document_id FROM agent_documents_at($1, $2)),
                      a AS MATERIALIZED (SELECT document_id FROM agent_documents_at($1, $3))
                 SELECT (SELECT count(*) FROM b), (SELECT count(*) FROM a),
                        (SELECT count(*) FROM a WHERE document_id NOT IN (SELECT * FROM b)),
                        (SELECT count(*) FROM b WHERE document_id NOT IN (SELECT * FROM a))",
            )
            .bind(id)
            .bind(from)
            .bind(to)
            .fetch_one(&db.pool)
            .await
            .unwrap();
            if added + removed > 0 {
                want.push((name.clone(), before, after, added, removed));
            }
        }
        let got: Vec<_> = d
            .agent_scopes
            .iter()
            .map(|c| {
                let t = (c.documents_before, c.documents_after, c.added, c.removed);
                (c.agent.clone(), t.0, t.1, t.2, t.3)
            })
            .collect();
        assert_eq!(got, want, "diff {from} -> {to}");
        compared += usize::from(!want.is_empty());
    }
    assert!(
        compared > 0,
        "no diff changed a scope: the check compared nothing"
    );
}

#[tokio::test]
async fn every_review_decision_a_classify_run_and_a_merge_keep_the_scope_exact() {
    use dtrag_api::review::{self, BulkRequest, DecideRequest, QueueRequest, UndoRequest};
    use dtrag_api::types::{Decision, ReviewFilter};

    let db = fresh_db().await;
    let spec = crate::review_corpus::Spec {
        categories: 4,
        labelled: 24,
        unlabelled: 16,
        noise: 6.0,
        seed: 21,
    };
    let h = crate::review_corpus::build(&db, handle(&db, "ada"), &spec)
        .await
        .handle;
    agents::create(&h, &new_agent("one", &["c1"]))
        .await
        .unwrap();
    agents::create(&h, &new_agent("pair", &["c0", "c2"]))
        .await
        .unwrap();
    let before = scope_of(&db, "one").await;
    // A classify run writes auto-accepted rows (in scope at once) and pending ones (not).
    review::classify(&h, Default::default(), &mut |_| {})
        .await
        .unwrap();
    assert_scopes_exact(&db).await;
    assert!(scope_of(&db, "one").await.len() >= before.len());

    let items = review::list(
        &h,
        QueueRequest {
            limit: Some(100),
            ..QueueRequest::default()
        },
    )
    .await
    .unwrap()
    .items;
    assert!(items.len() >= 4, "the corpus should leave work for review");
    let decisions = [
        Decision::Accept { categories: vec![] },
        Decision::Reject,
        Decision::Reassign {
            to: vec!["c1".into()],
        },
        Decision::Accept {
            categories: vec![items[3].suggestions[0].category.clone()],
        },
    ];
    for (item, d) in items.iter().zip(decisions) {
        review::decide(
            &h,
            DecideRequest {
                item: item.id,
                decision: d,
            },
        )
        .await
        .unwrap();
        assert_scopes_exact(&db).await;
    }
    let reassigned = &items[2].document;
    assert!(scope_of(&db, "one").await.contains(reassigned));
    review::undo(&h, UndoRequest { decision: None })
        .await
        .unwrap();
    assert_scopes_exact(&db).await;
    review::undo(&h, UndoRequest { decision: None })
        .await
        .unwrap();
    assert_scopes_exact(&db).await;
    review::bulk_accept(
        &h,
        BulkRequest {
            filter: ReviewFilter::default(),
            floor: Some(0.0),
            force: true,
            dry_run: false,
        },
    )
    .await
    .unwrap();
    assert_scopes_exact(&db).await;

    // A merge carries classifications over: c1's documents join the agent allowed c2. The
    // draft preview says so exactly, and writes nothing.
    let in_c1 = scope_of(&db, "one").await;
    assert!(
        !in_c1.is_empty(),
        "the bulk accept leaves documents under c1"
    );
    let fp = fingerprint(&db.pool).await;
    let preview = taxonomy::preview_edits(
        &h,
        edit(vec![EditOp::Merge {
            from: "c1".into(),
            into: "c2".into(),
        }]),
    )
    .await
    .unwrap();
    assert_eq!(fingerprint(&db.pool).await, fp);
    let merged = taxonomy::publish_edits(
        &h,
        edit(vec![EditOp::Merge {
            from: "c1".into(),
            into: "c2".into(),
        }]),
    )
    .await
    .unwrap();
    assert_scopes_exact(&db).await;
    assert!(merged
        .agent_scopes
        .iter()
        .any(|c| c.agent == "one" && c.documents_after == 0));
    assert_eq!(preview.agent_scopes, merged.agent_scopes);
    // Every one of them (whichever the undos and the bulk accept left there), not one document
    // that happened to be there before the undos.
    let pair = scope_of(&db, "pair").await;
    assert!(
        in_c1.iter().all(|d| pair.contains(d)),
        "{in_c1:?} not all in {pair:?}"
    );
}
