//! The classifier on a corpus with known answers: calibrated confidences, a threshold that keeps
//! its promise on documents it never saw labelled, the queue for the rest, and runs that resume
//! and learn from reviewers' decisions.

use std::collections::HashMap;

use dtrag_api::review::{self, ClassifyRequest, DecideRequest, QueueRequest};
use dtrag_api::types::{Decision, DocumentSet};
use dtrag_api::{Config, ErrorKind, Handle};

use crate::common::{fresh_db, models_dir, TestDb};
use crate::review_corpus::{build, Corpus, Spec};

pub fn handle(db: &TestDb, author: &str) -> Handle {
    let config = Config {
        data_dir: std::env::temp_dir(),
        models_dir: models_dir(),
        author: author.into(),
        embeddings_api_key: None,
        llm_api_key: None,
        pg_bindir: None,
    };
    Handle::from_pool(db.pool.clone(), config, false)
}

/// Live rows of the unlabelled documents by status: (document, category) pairs.
async fn rows(db: &TestDb, status: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT d.source_id, n.key FROM classification c JOIN document d ON d.id = c.document_id
         JOIN node n ON n.id = c.node_id
         WHERE c.status = $1 AND c.source = 'model' ORDER BY 1, 2",
    )
    .bind(status)
    .fetch_all(&db.pool)
    .await
    .unwrap()
}

fn precision(pairs: &[(String, String)], truth: &HashMap<String, String>) -> f32 {
    let right = pairs
        .iter()
        .filter(|(d, c)| truth.get(d) == Some(c))
        .count();
    right as f32 / pairs.len().max(1) as f32
}

#[tokio::test]
async fn auto_accepted_suggestions_keep_the_target_precision_on_unseen_documents() {
    let db = fresh_db().await;
    let spec = Spec {
        categories: 8,
        labelled: 400,
        unlabelled: 600,
        noise: 5.0,
        seed: 7,
    };
    let Corpus {
        handle: h, truth, ..
    } = build(&db, handle(&db, "curator"), &spec).await;
    let out = review::classify(&h, ClassifyRequest::default(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(out.documents, 600, "{out:?}");
    assert_eq!(out.labelled, 400);
    let threshold = out.threshold.expect("a threshold at 0.9");
    assert!(out.estimated_precision.unwrap() >= 0.9);
    assert!(out.calibration_error < 0.1, "ECE {}", out.calibration_error);
    // Every document is either accepted (in one category or more) or queued.
    assert_eq!(out.auto_accepted_documents + out.queued, 600);
    assert!(out.auto_accepted >= out.auto_accepted_documents);

    // The promise, measured on the documents nobody labelled (which the fit never saw).
    let auto = rows(&db, "auto_accepted").await;
    assert!(!auto.is_empty());
    let measured = precision(&auto, &truth);
    assert!(
        measured >= 0.85,
        "auto-accepted precision {measured:.3} at threshold {threshold:.3} (estimate {:?})",
        out.estimated_precision
    );
    // What goes to people is the harder part: their top suggestions are right less often.
    let page = review::list(
        &h,
        QueueRequest {
            limit: Some(1000),
            ..QueueRequest::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total as usize, out.queued + out.audit_samples);
    let queued_top: Vec<(String, String)> = page
        .items
        .iter()
        .filter(|i| i.reason == dtrag_api::types::Reason::LowConfidence)
        .map(|i| (i.document.clone(), i.suggestions[0].category.clone()))
        .collect();
    assert!(precision(&queued_top, &truth) < measured);
    // Every item's suggestions are ordered and within [0, 1].
    for i in &page.items {
        assert!(i
            .suggestions
            .windows(2)
            .all(|w| w[0].confidence >= w[1].confidence));
        assert!(i
            .suggestions
            .iter()
            .all(|s| (0.0..=1.0).contains(&s.confidence)));
    }
    // The HITL rate the run estimated is close to the one it produced.
    let hitl = out.queued as f32 / out.documents as f32;
    assert!(
        (hitl - out.estimated_hitl_rate).abs() < 0.15,
        "{hitl} vs {out:?}"
    );
}

#[tokio::test]
async fn a_second_run_resumes_and_reviewer_decisions_become_labels() {
    let db = fresh_db().await;
    let spec = Spec {
        categories: 4,
        labelled: 0,
        unlabelled: 30,
        noise: 3.0,
        seed: 11,
    };
    let Corpus { handle: h, .. } = build(&db, handle(&db, "rev"), &spec).await;
    let first = review::classify(&h, ClassifyRequest::default(), &mut |_| {})
        .await
        .unwrap();
    // Without labels nothing can be calibrated: everything is queued, and the run says why.
    assert_eq!((first.auto_accepted, first.queued), (0, 30));
    assert!(first.notice.as_deref().unwrap_or("").contains("labelled"));
    // Nothing left to classify: `unreviewed` resumes where it stopped, which is the end.
    let again = review::classify(&h, ClassifyRequest::default(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(again.documents, 0);

    // A reviewer's accept is a human label the next run learns from.
    let page = review::list(&h, QueueRequest::default()).await.unwrap();
    let item = &page.items[0];
    review::decide(
        &h,
        DecideRequest {
            item: item.id,
            decision: Decision::Accept { categories: vec![] },
        },
    )
    .await
    .unwrap();
    let all = review::classify(
        &h,
        ClassifyRequest {
            documents: DocumentSet::All,
            ..ClassifyRequest::default()
        },
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(all.labelled, 1);
    assert_eq!(
        all.documents, 29,
        "the labelled document is not re-classified"
    );
    // The re-run replaced the open items: still one per document, none duplicated.
    let open: i64 = sqlx::query_scalar("SELECT count(*) FROM review_item WHERE status = 'open'")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(open, 29);
}

#[tokio::test]
async fn classify_refuses_bad_settings_and_a_model_without_vectors() {
    let db = fresh_db().await;
    let h = handle(&db, "c");
    let bad = review::classify(
        &h,
        ClassifyRequest {
            precision: Some(1.5),
            ..ClassifyRequest::default()
        },
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    // No model registered at all.
    let none = review::classify(&h, ClassifyRequest::default(), &mut |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(none.kind(), ErrorKind::NotFound | ErrorKind::InvalidInput),
        "{none}"
    );
}
