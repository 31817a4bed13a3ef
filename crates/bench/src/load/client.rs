//! One client of the load benchmark: its own pool of two connections (as a separate desktop app
//! or script would have), an author of its own (so its review leases are its own), and a loop of
//! operations drawn from the mix, each through the `dtrag_api` function the CLI calls, with a
//! think time between them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use dtrag_api::review::{DecideRequest, QueueRequest};
use dtrag_api::taxonomy::{DiffRequest, EditRequest, NodeRequest, TreeRequest};
use dtrag_api::types::{AgentSearch, Decision, EditOp, Mode, SearchRequest};
use dtrag_api::{ErrorKind, Handle};

use super::seed::{Seeded, AGENT};
use crate::Picker;

/// The operations, and how often each is drawn (per mille): mostly reads, as in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    TreeHead,
    TreeOld,
    NodeDetails,
    Diff,
    Hybrid,
    AgentSearch,
    ReviewDecision,
    Publish,
}

impl Op {
    pub const MIX: [(Op, u32); 8] = [
        (Op::TreeHead, 200),
        (Op::TreeOld, 100),
        (Op::NodeDetails, 250),
        (Op::Diff, 50),
        (Op::Hybrid, 150),
        (Op::AgentSearch, 100),
        (Op::ReviewDecision, 100),
        (Op::Publish, 50),
    ];

    pub fn is_read(self) -> bool {
        !matches!(self, Op::ReviewDecision | Op::Publish)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Op::TreeHead => "tree at the head (`--under` a node, depth 2)",
            Op::TreeOld => "tree at an older version",
            Op::NodeDetails => "node details",
            Op::Diff => "diff of recent versions",
            Op::Hybrid => "hybrid search (BM25 + vector)",
            Op::AgentSearch => "agent search (under its role)",
            Op::ReviewDecision => "review: lease the next item, accept it",
            Op::Publish => "publish a one-node change set",
        }
    }

    fn draw(p: &mut Picker) -> Op {
        let mut x = p.below(1000) as u32;
        for (op, w) in Op::MIX {
            if x < w {
                return op;
            }
            x -= w;
        }
        Op::NodeDetails
    }
}

/// What one operation did.
pub struct Sample {
    pub op: Op,
    pub took: Duration,
    /// The error's kind and message, when it failed.
    pub error: Option<(ErrorKind, String)>,
    /// A publish or decision that a concurrent one beat (a conflict), retried once.
    pub retried: bool,
}

pub struct Client {
    pub id: usize,
    /// The run's client count: part of every key a client adds, so that runs one after another
    /// on the same database (`--clients 32,128`) never add the same key twice.
    pub run: usize,
    pub handle: Handle,
    pub seeded: Arc<Seeded>,
    pub think: Duration,
}

impl Client {
    /// Runs operations until `until`, returning each one's sample.
    pub async fn run(self, until: Instant) -> Vec<Sample> {
        let mut p = Picker::new(0x9e37_79b9 ^ ((self.id as u64 + 1) * 0x1000_0001));
        let mut out = Vec::new();
        let mut n = 0usize;
        // Spread the clients' first requests over one think time.
        tokio::time::sleep(self.think.mul_f64(p.unit())).await;
        while Instant::now() < until {
            let op = Op::draw(&mut p);
            let t = Instant::now();
            let mut result = self.once(op, &mut p, n).await;
            let mut retried = false;
            if matches!(&result, Err(e) if matches!(e.kind(), ErrorKind::Conflict | ErrorKind::Busy))
                && !op.is_read()
            {
                retried = true;
                result = self.once(op, &mut p, n).await;
            }
            out.push(Sample {
                op,
                took: t.elapsed(),
                error: result.err().map(|e| (e.kind(), e.to_string())),
                retried,
            });
            n += 1;
            if !self.think.is_zero() {
                // Exponential think time with the given mean (a Poisson client), capped at 5x.
                let f = (-(1.0 - p.unit()).ln()).min(5.0);
                tokio::time::sleep(self.think.mul_f64(f)).await;
            }
        }
        out
    }

    async fn once(&self, op: Op, p: &mut Picker, n: usize) -> dtrag_api::Result<()> {
        let h = &self.handle;
        let s = &self.seeded;
        let any_key = |p: &mut Picker| s.keys[p.below(s.keys.len())].clone();
        match op {
            Op::TreeHead | Op::TreeOld => {
                let version = if op == Op::TreeOld {
                    let head = dtrag_api::taxonomy::head(h).await?;
                    Some(1 + p.below((head - 1).max(1) as usize) as i64)
                } else {
                    None
                };
                let under = s.inner[p.below(s.inner.len())].clone();
                let req = TreeRequest {
                    version,
                    under: Some(under),
                    depth: Some(2),
                };
                dtrag_api::taxonomy::tree(h, req).await?;
            }
            Op::NodeDetails => {
                let req = NodeRequest {
                    version: None,
                    key: any_key(p),
                };
                dtrag_api::taxonomy::node_details(h, req).await?;
            }
            Op::Diff => {
                let head = dtrag_api::taxonomy::head(h).await?;
                let from = (head - 1 - p.below(3) as i64).max(1);
                dtrag_api::taxonomy::diff(h, DiffRequest { from, to: head }).await?;
            }
            Op::Hybrid => {
                let req = SearchRequest {
                    query: s.queries[p.below(s.queries.len())].clone(),
                    mode: Mode::Hybrid,
                    ..SearchRequest::default()
                };
                dtrag_api::search::search(h, &req).await?;
            }
            Op::AgentSearch => {
                let req = AgentSearch {
                    agent: AGENT.into(),
                    query: s.queries[p.below(s.queries.len())].clone(),
                    mode: None,
                    k: Some(10),
                    under: Vec::new(),
                    exact: false,
                };
                dtrag_api::agents::search(h, &req).await?;
            }
            Op::ReviewDecision => {
                let req = QueueRequest {
                    limit: Some(1),
                    ..QueueRequest::default()
                };
                let page = dtrag_api::review::next(h, req).await?;
                if let Some(item) = page.items.first() {
                    let req = DecideRequest {
                        item: item.id,
                        decision: Decision::Accept {
                            categories: Vec::new(),
                        },
                    };
                    dtrag_api::review::decide(h, req).await?;
                }
            }
            Op::Publish => {
                let parent = any_key(p);
                let key = format!("load-{}c-{}-{n}-{}", self.run, self.id, p.below(1 << 30));
                let req = EditRequest {
                    base: None,
                    ops: vec![EditOp::Add {
                        key,
                        label: format!("load client {} item {n}", self.id),
                        alt_labels: Vec::new(),
                        description: String::new(),
                        parents: vec![parent],
                    }],
                    message: None,
                };
                dtrag_api::taxonomy::publish_edits(h, req).await?;
            }
        }
        Ok(())
    }
}
