//! Property: whatever sequence of taxonomy changes and review decisions came before, a rollback
//! to any earlier version followed by a rollback back to where it was leaves the classification
//! state (live rows, open items and their suggestions) exactly as it was.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use dtrag_api::review::{self, DecideRequest, QueueRequest};
use dtrag_api::taxonomy::{self, EditRequest, RollbackRequest};
use dtrag_api::types::{Decision, EditOp};
use dtrag_api::Handle;

use crate::classify::handle;
use crate::common::fresh_db;
use crate::review_corpus::{assert_item_nodes_current, build, state, Spec};

const CATEGORIES: usize = 6;

#[derive(Debug, Clone)]
enum Step {
    Delete(usize),
    Merge(usize, usize),
    AddChild(usize),
    Rename(usize),
    Decide,
    Rollback(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..CATEGORIES).prop_map(Step::Delete),
        (0..CATEGORIES, 0..CATEGORIES).prop_map(|(a, b)| Step::Merge(a, b)),
        (0..CATEGORIES).prop_map(Step::AddChild),
        (0..CATEGORIES).prop_map(Step::Rename),
        Just(Step::Decide),
        (0..8usize).prop_map(Step::Rollback),
    ]
}

async fn head(h: &Handle) -> i64 {
    taxonomy::head(h).await.expect("head")
}

/// Applies a step; a refused edit (a key that is gone, a merge into itself) is simply skipped.
async fn apply(h: &Handle, s: &Step, n: usize) {
    let c = |i: usize| format!("c{i}");
    let ops = match s {
        Step::Delete(i) => vec![EditOp::Delete {
            key: c(*i),
            cascade: true,
        }],
        Step::Merge(a, b) => vec![EditOp::Merge {
            from: c(*a),
            into: c(*b),
        }],
        Step::AddChild(i) => vec![EditOp::Add {
            key: format!("{}.n{n}", c(*i)),
            label: format!("New {n}"),
            alt_labels: vec![],
            description: String::new(),
            parents: vec![c(*i)],
        }],
        Step::Rename(i) => vec![EditOp::Rename {
            key: c(*i),
            label: format!("Renamed {n}"),
        }],
        Step::Decide => {
            let page = review::list(h, QueueRequest::default())
                .await
                .expect("list");
            if let Some(item) = page.items.first() {
                let decision = if item.suggestions.is_empty() {
                    Decision::Reassign {
                        to: vec!["topics".into()],
                    }
                } else {
                    Decision::Accept { categories: vec![] }
                };
                review::decide(
                    h,
                    DecideRequest {
                        item: item.id,
                        decision,
                    },
                )
                .await
                .expect("decide");
            }
            return;
        }
        Step::Rollback(back) => {
            let now = head(h).await;
            let to = (now - 1 - *back as i64).max(1);
            if to < now {
                taxonomy::rollback(h, RollbackRequest { to, message: None })
                    .await
                    .expect("rollback");
            }
            return;
        }
    };
    let _ = taxonomy::publish_edits(
        h,
        EditRequest {
            base: None,
            ops,
            message: None,
        },
    )
    .await;
}

async fn run_case(steps: &[Step], back: usize) -> Result<(), TestCaseError> {
    let db = fresh_db().await;
    let spec = Spec {
        categories: CATEGORIES,
        labelled: 18,
        unlabelled: 0,
        noise: 1.0,
        seed: 13,
    };
    let h = build(&db, handle(&db, "prop"), &spec).await.handle;
    for (n, s) in steps.iter().enumerate() {
        apply(&h, s, n).await;
    }
    assert_item_nodes_current(&db).await;
    let before = state(&db).await;
    let top = head(&h).await;
    let to = (top - 1 - back as i64).max(1);
    prop_assume!(to < top);
    taxonomy::rollback(&h, RollbackRequest { to, message: None })
        .await
        .expect("rollback to v");
    taxonomy::rollback(
        &h,
        RollbackRequest {
            to: top,
            message: None,
        },
    )
    .await
    .expect("rollback back");
    assert_item_nodes_current(&db).await;
    let after = state(&db).await;
    prop_assert_eq!(
        before,
        after,
        "steps {:?}, rolled back to {} and back to {}",
        steps,
        to,
        top
    );
    Ok(())
}

proptest! {
    // 12 cases by default; PROPTEST_CASES=N runs more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(12),
        max_shrink_iters: 40,
        ..ProptestConfig::default()
    })]

    #[test]
    fn rollback_to_v_and_back_restores_the_classification_state(
        steps in prop::collection::vec(step(), 1..8),
        back in 0..6usize,
    ) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(run_case(&steps, back))?;
    }
}
