//! Trees for printing: the nodes under the roots (or one node), depth first.

use std::collections::HashMap;

use serde::Serialize;
use sqlx::PgConnection;

use super::{children, roots, show, At, NodeSummary};
use crate::error::Result;

/// One printed line of a tree: depth, the node, and whether it was already shown elsewhere.
#[derive(Debug, Clone, Serialize)]
pub struct TreeLine {
    pub depth: usize,
    #[serde(flatten)]
    pub node: NodeSummary,
}

/// The tree at version `v`, from the roots or from `under`, to `max_depth` levels (a node with
/// several parents is listed under each of them).
pub async fn tree(
    conn: &mut PgConnection,
    requested: Option<i64>,
    under: Option<&str>,
    max_depth: Option<usize>,
) -> Result<(i64, Vec<TreeLine>)> {
    let at = At::resolve(&mut *conn, requested).await?;
    let v = at.version;
    let starts = match under {
        None => roots(&mut *conn, at).await?,
        Some(key) => {
            let d = show(&mut *conn, Some(v), key).await?;
            vec![NodeSummary {
                key: d.key,
                label: d.label,
                child_count: d.children.len() as i64,
                parent_count: d.parents.len() as i64,
            }]
        }
    };
    // Children are loaded once per distinct node (a shared subtree is listed under each parent).
    let mut lines = Vec::new();
    let mut stack: Vec<(usize, NodeSummary)> = starts.into_iter().rev().map(|n| (0, n)).collect();
    let mut cache: HashMap<String, Vec<NodeSummary>> = HashMap::new();
    while let Some((depth, node)) = stack.pop() {
        let expand = node.child_count > 0 && max_depth.is_none_or(|m| depth < m);
        let key = node.key.clone();
        lines.push(TreeLine { depth, node });
        if expand {
            if !cache.contains_key(&key) {
                let kids = children(&mut *conn, at, &key).await?;
                cache.insert(key.clone(), kids);
            }
            if let Some(kids) = cache.get(&key) {
                for k in kids.iter().rev() {
                    stack.push((depth + 1, k.clone()));
                }
            }
        }
    }
    Ok((v, lines))
}
