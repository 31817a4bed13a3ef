//! Part 3, the review queue with ~100k open items: pages in each order and under a category
//! filter, `next` (which leases), decisions, and the metrics — the functions `dtrag_api::review`
//! calls one for one.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde::Serialize;
use sqlx::PgPool;

use super::corpus::Corpus;
use crate::Latency;
use dtrag_core::review::{self, Decision, ReviewFilter, ReviewOrder};
use dtrag_core::{Error, Result};

const REVIEWER: &str = "bench";
const PAGE: i64 = 50;
/// Pages timed per order and per filter (pages 1 to 10 in turn).
const PAGES: usize = 50;
const LEASE: i64 = 5;
const STATS_CALLS: usize = 20;

#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub what: String,
    /// Items the filter matches.
    pub total: i64,
    pub latency: Latency,
}

#[derive(Debug, Clone, Serialize)]
pub struct Queue {
    pub open_items: i64,
    pub pages: Vec<Page>,
    pub next: Latency,
    pub decide: Latency,
    pub decided: usize,
    pub stats: Latency,
}

/// The taxonomy node (not a root) with the most categories under it short of all of them: a
/// broad `under` filter.
fn broad_node(corpus: &Corpus) -> Option<(String, String)> {
    let nodes = &corpus.taxonomy.nodes;
    let mut under: HashMap<&str, usize> = HashMap::new();
    for c in &corpus.categories {
        let mut seen = HashSet::new();
        let mut stack = vec![c.as_str()];
        while let Some(k) = stack.pop() {
            if seen.insert(k) {
                *under.entry(k).or_default() += 1;
                if let Some(n) = nodes.get(k) {
                    stack.extend(n.parents.iter().map(String::as_str));
                }
            }
        }
    }
    let all = corpus.categories.len();
    under
        .into_iter()
        .filter(|(k, n)| *n < all && nodes.get(*k).is_some_and(|n| !n.parents.is_empty()))
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(k, n)| {
            let label = nodes[k].content.label.clone();
            (k.to_string(), format!("{label} ({n} categories)"))
        })
}

async fn pages(
    pool: &PgPool,
    what: String,
    filter: &ReviewFilter,
    order: ReviewOrder,
) -> Result<Page> {
    let mut times = Vec::with_capacity(PAGES);
    for i in 0..PAGES {
        let offset = PAGE * (i % 10) as i64;
        let t = Instant::now();
        review::list(pool, REVIEWER, filter, order, PAGE, offset).await?;
        times.push(t.elapsed());
    }
    // A page counts only a little past itself; a bulk accept's dry run counts every match.
    let total = review::bulk_accept(pool, REVIEWER, filter, 0.0, true, true)
        .await?
        .matched;
    Ok(Page {
        what,
        total,
        latency: Latency::of(times),
    })
}

pub(super) async fn run(
    pool: &PgPool,
    corpus: &Corpus,
    decisions: usize,
    progress: &mut dyn FnMut(String),
) -> Result<Queue> {
    let open_items: i64 =
        sqlx::query_scalar("SELECT count(*) FROM review_item WHERE status = 'open'")
            .fetch_one(pool)
            .await?;
    progress(format!("queue: {open_items} open items; timing pages"));
    let none = ReviewFilter::default();
    let mut out = Vec::new();
    for (name, order) in [
        ("uncertainty", ReviewOrder::Uncertainty),
        ("oldest", ReviewOrder::Oldest),
        ("impact", ReviewOrder::Impact),
    ] {
        out.push(pages(pool, format!("order {name}"), &none, order).await?);
    }
    // A narrow filter (the category most suggested) and a broad one (an inner node).
    let (top_key, top_label): (String, String) = sqlx::query_as(
        "SELECT n.key, s.label FROM classification c JOIN node n ON n.id = c.node_id
         JOIN node_state s ON s.node_id = n.id AND upper_inf(s.valid)
         WHERE c.status = 'pending' GROUP BY n.key, s.label ORDER BY count(*) DESC, n.key LIMIT 1",
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| Error::Internal("no pending suggestions to filter on".into()))?;
    let mut filters = vec![(top_key, format!("{top_label} (a category)"))];
    filters.extend(broad_node(corpus));
    for (key, label) in filters {
        let f = ReviewFilter {
            under: vec![key],
            ..ReviewFilter::default()
        };
        let what = format!("order uncertainty, under {label}");
        out.push(pages(pool, what, &f, ReviewOrder::Uncertainty).await?);
    }
    for p in &out {
        progress(format!(
            "queue: {} ({} items): p95 {:.1} ms",
            p.what, p.total, p.latency.p95_ms
        ));
    }

    // A reviewer's loop: lease the next few, decide the first (accept its top suggestion).
    let (mut next_t, mut decide_t): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
    for _ in 0..decisions {
        let t = Instant::now();
        let page = review::next(pool, REVIEWER, &none, ReviewOrder::Uncertainty, LEASE).await?;
        next_t.push(t.elapsed());
        let Some(item) = page.items.first() else {
            break;
        };
        let t = Instant::now();
        review::decide(
            pool,
            item.id,
            &Decision::Accept { categories: vec![] },
            REVIEWER,
        )
        .await?;
        decide_t.push(t.elapsed());
    }
    let decided = decide_t.len();
    let mut stats_t = Vec::new();
    for _ in 0..STATS_CALLS {
        let t = Instant::now();
        review::stats(pool).await?;
        stats_t.push(t.elapsed());
    }
    let q = Queue {
        open_items,
        pages: out,
        next: Latency::of(next_t),
        decide: Latency::of(decide_t),
        decided,
        stats: Latency::of(stats_t),
    };
    progress(format!(
        "queue: next p95 {:.1} ms, decide p95 {:.1} ms ({decided} decisions), stats p95 {:.1} ms",
        q.next.p95_ms, q.decide.p95_ms, q.stats.p95_ms
    ));
    Ok(q)
}
