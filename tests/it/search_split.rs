//! A large exact scan of a scope runs in two halves on the search's two connections: the merged
//! list must be exactly what one scan of the whole scope gives, for the owner's `--under`
//! search and for an agent's (whose halves both run under its role and snapshot).

use dtrag_api::agents;
use dtrag_api::search as api_search;
use dtrag_api::types::{AgentSearch, Mode, SearchRequest};
use dtrag_core::limits;
use dtrag_core::models::{self, KnnPlan};
use dtrag_core::search::{self, vector};
use dtrag_embed::local::LocalMiniLm;
use dtrag_embed::Embedder;

use crate::agents::new_agent;
use crate::common::{fresh_db, models_dir};
use crate::review_corpus::{build, Spec};

const QUERY: &str = "a category of synthetic documents";
const K: usize = 10;

fn chunk_ids(hits: &[dtrag_api::types::Hit]) -> Vec<i64> {
    hits.iter().map(|h| h.chunk_id).collect()
}

#[tokio::test]
async fn a_split_scan_gives_exactly_the_whole_scopes_nearest_for_owner_and_agent() {
    let db = fresh_db().await;
    // Two categories of about 2,300 labelled documents each: each scope is split.
    let spec = Spec {
        categories: 2,
        labelled: 4_600,
        unlabelled: 0,
        noise: 6.0,
        seed: 5,
    };
    let h = build(&db, crate::classify::handle(&db, "ada"), &spec)
        .await
        .handle;

    // The reference: one exact scan of the whole scope, on one connection.
    let mut conn = db.pool.acquire().await.unwrap();
    let scope = search::scope_chunks(&mut conn, None, &["c0".into()])
        .await
        .unwrap();
    assert!(
        scope.len() >= limits::SPLIT_SCAN_CHUNKS,
        "the scope must be large enough to split: {}",
        scope.len()
    );
    let model = models::get(&mut conn, None).await.unwrap();
    let qv = LocalMiniLm::load_from(&models_dir())
        .unwrap()
        .embed(&[QUERY])
        .unwrap()
        .remove(0);
    let whole = vector::ranked(
        &mut conn,
        &model,
        &qv,
        K as i64,
        Some(&scope),
        KnnPlan::ExactInScope,
        None,
    )
    .await
    .unwrap();
    let whole: Vec<i64> = whole.iter().map(|r| r.chunk_id).collect();
    assert_eq!(whole.len(), K);

    let owner = api_search::search(
        &h,
        &SearchRequest {
            query: QUERY.into(),
            mode: Mode::Vector,
            k: K,
            under: vec!["c0".into()],
            ..SearchRequest::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(owner.plan, Some(KnnPlan::ExactInScope));
    assert_eq!(chunk_ids(&owner.hits), whole, "the owner's split scan");

    agents::create(&h, &new_agent("half", &["c0"]))
        .await
        .unwrap();
    let agent = |mode: Mode| AgentSearch {
        agent: "half".into(),
        query: QUERY.into(),
        mode: Some(mode),
        k: Some(K),
        ..AgentSearch::default()
    };
    let as_agent = agents::search(&h, &agent(Mode::Vector)).await.unwrap();
    assert_eq!(as_agent.plan, Some(KnnPlan::ExactInScope));
    assert_eq!(chunk_ids(&as_agent.hits), whole, "the agent's split scan");

    // Hybrid: the BM25 connection scans its half after BM25. Every hit stays in scope, and a hit
    // the vector list ranked within the top K is the scope's nearest of that rank.
    let hybrid = agents::search(&h, &agent(Mode::Hybrid)).await.unwrap();
    assert_eq!(hybrid.hits.len(), K);
    assert!(hybrid.hits.iter().all(|x| scope.contains(&x.chunk_id)));
    let ranked: Vec<(usize, i64)> = hybrid
        .hits
        .iter()
        .filter_map(|x| x.vector.as_ref().map(|v| (v.rank, x.chunk_id)))
        .filter(|(rank, _)| *rank <= K)
        .collect();
    assert!(
        !ranked.is_empty(),
        "the vector side contributes to the hits"
    );
    for (rank, chunk) in ranked {
        assert_eq!(chunk, whole[rank - 1], "vector rank {rank}");
    }
}
