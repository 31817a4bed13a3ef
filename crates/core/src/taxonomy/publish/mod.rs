//! The one write path of the taxonomy. Import, edits and rollback each work out the state they want
//! for a set of nodes (a `Target`); `publish` compares it with the head, writes only the difference
//! as version head+1 (closing changed rows, opening new ones), checks the DAG rules inside the same
//! transaction, and records the version and an audit entry. Publishing is serialised by an advisory
//! lock, so version numbers are dense and no two publishes interleave.

mod checks;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use serde::Serialize;
use sqlx::{PgConnection, Postgres, Transaction};

use super::deprecated::{self, Deprecations};
use super::model::{check_key, check_label, NodeFull, PublishMeta, VersionKind};
use super::read;
use crate::agents::scope::ScopeChange;
use crate::audit;
use crate::error::{Error, Result};
use crate::review::impact::{self, ClassificationImpact};
use checks::{check_no_cycle, check_parents_exist, check_removed_have_no_children};

/// Advisory lock key that serialises publishing ("dtrag" in ASCII).
const PUBLISH_LOCK: i64 = 0x64_74_72_61_67;

/// From this many written rows on, a publish refreshes the planner's statistics.
const BULK_ROWS: usize = 5_000;

/// The wanted state of a set of nodes at the next version: `None` removes the node.
/// Nodes not named keep their head state.
pub type Target = BTreeMap<String, Option<NodeFull>>;

/// How the "no cycle" rule is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CycleCheck {
    /// The caller checked the complete resulting graph in memory (import does).
    Done,
    /// Walk the ancestors of every added edge in the database, after writing.
    InDatabase,
}

/// Counts of what a publish wrote.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PublishStats {
    pub nodes_added: usize,
    pub nodes_removed: usize,
    pub nodes_changed: usize,
    pub edges_added: usize,
    pub edges_removed: usize,
    /// Deprecated concepts (SKOS) that appeared, changed or went; absent when none.
    #[serde(skip_serializing_if = "is_zero")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<usize>"))]
    pub deprecated_changed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The result of a publish. `version` is `None` when the target equalled the head: no version is
/// created for a change that changes nothing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Published {
    pub version: Option<i64>,
    pub base_head: i64,
    pub stats: PublishStats,
    /// What the publish did to classifications and the review queue.
    pub impact: ClassificationImpact,
    /// Agents following the head whose scope this publish changed.
    pub agent_scopes: Vec<ScopeChange>,
    pub elapsed_ms: f64,
}

/// Starts a publishing transaction: takes the publish lock and returns the head version.
pub async fn begin(tx: &mut Transaction<'_, Postgres>) -> Result<i64> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(PUBLISH_LOCK)
        .execute(&mut **tx)
        .await?;
    read::head_version(tx).await
}

pub struct Request<'a> {
    pub kind: VersionKind,
    pub meta: &'a PublishMeta,
    pub restored_from: Option<i64>,
    pub cycle_check: CycleCheck,
    /// Extra details for the audit entry.
    pub audit_details: serde_json::Value,
    /// Merges made by an edit (from, into): classifications follow from the one to the other.
    pub merges: Vec<(String, String)>,
    /// The language of the labels (a SKOS import says); `None`: the restored version's, else
    /// the parent version's.
    pub language: Option<&'a str>,
    /// The deprecated concepts of the new version (SKOS; see [`deprecated`]).
    pub deprecated: Deprecations<'a>,
}

/// Writes `target` as version head+1 inside `tx` (which must come from [`begin`]).
pub async fn publish(
    tx: &mut Transaction<'_, Postgres>,
    head: i64,
    target: Target,
    req: Request<'_>,
) -> Result<Published> {
    let started = Instant::now();
    for (key, node) in &target {
        check_key(key).map_err(|m| Error::Invalid(format!("node {key:?}: {m}")))?;
        if let Some(n) = node {
            check_label(&n.content.label)
                .map_err(|m| Error::Invalid(format!("node {key:?}: {m}")))?;
            if n.parents.contains(key) {
                return Err(Error::Cycle {
                    path: vec![key.clone(), key.clone()],
                });
            }
        }
    }
    let conn: &mut PgConnection = tx;

    // Ids of every key involved, as target or as parent.
    let mut all_keys: BTreeSet<String> = target.keys().cloned().collect();
    for n in target.values().flatten() {
        all_keys.extend(n.parents.iter().cloned());
    }
    let all_keys: Vec<String> = all_keys.into_iter().collect();
    let mut ids = read::ids_of(&mut *conn, &all_keys).await?;
    for n in target.values().flatten() {
        if let Some(p) = n
            .parents
            .iter()
            .find(|p| !ids.contains_key(*p) && !target.contains_key(*p))
        {
            return Err(Error::NoSuchNode {
                key: p.clone(),
                version: head + 1,
            });
        }
    }
    let existing: Vec<i64> = target.keys().filter_map(|k| ids.get(k).copied()).collect();
    let current: HashMap<String, NodeFull> =
        read::snapshot(&mut *conn, read::At::head(head), &existing)
            .await?
            .into_values()
            .collect();
    // Parents the head names but the target no longer does: their edges are closed by id.
    let unknown: Vec<String> = current
        .values()
        .flat_map(|n| n.parents.iter())
        .filter(|p| !ids.contains_key(*p))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        ids.extend(read::ids_of(&mut *conn, &unknown).await?);
    }

    // The difference between head and target.
    let mut new_keys = Vec::new();
    let mut close_state = Vec::new(); // keys
    let mut open_state: Vec<(&String, &NodeFull)> = Vec::new();
    let mut close_edges: Vec<(String, String)> = Vec::new(); // (parent, child)
    let mut open_edges: Vec<(String, String)> = Vec::new();
    let mut removed = Vec::new();
    let mut added = Vec::new();
    let mut stats = PublishStats::default();
    let empty = BTreeSet::new();
    for (key, want) in &target {
        let have = current.get(key);
        match (have, want) {
            (None, None) => {}
            (Some(_), None) => {
                close_state.push(key.clone());
                removed.push(key.clone());
                stats.nodes_removed += 1;
            }
            (None, Some(w)) => {
                if !ids.contains_key(key) {
                    new_keys.push(key.clone());
                }
                open_state.push((key, w));
                added.push(key.clone());
                stats.nodes_added += 1;
            }
            (Some(h), Some(w)) => {
                if h.content != w.content {
                    close_state.push(key.clone());
                    open_state.push((key, w));
                    stats.nodes_changed += 1;
                } else if h.parents != w.parents {
                    stats.nodes_changed += 1;
                }
            }
        }
        let have_parents = have.map_or(&empty, |h| &h.parents);
        let want_parents = want.as_ref().map_or(&empty, |w| &w.parents);
        for p in have_parents.difference(want_parents) {
            close_edges.push((p.clone(), key.clone()));
        }
        for p in want_parents.difference(have_parents) {
            open_edges.push((p.clone(), key.clone()));
        }
    }
    stats.edges_added = open_edges.len();
    stats.edges_removed = close_edges.len();
    let deprecations = deprecated::plan(&mut *conn, head, req.deprecated, req.restored_from, |k| {
        matches!(target.get(k), Some(Some(_)))
    })
    .await?;
    stats.deprecated_changed = deprecations.changed();
    if close_state.is_empty()
        && open_state.is_empty()
        && close_edges.is_empty()
        && open_edges.is_empty()
        && deprecations.is_empty()
    {
        return Ok(Published {
            version: None,
            base_head: head,
            stats,
            impact: ClassificationImpact::default(),
            agent_scopes: Vec::new(),
            elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
        });
    }

    let version = head + 1;
    sqlx::query(
        "INSERT INTO taxonomy_version (version, parent_version, author, message, kind, restored_from,
                                       language)
         VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, (SELECT language FROM taxonomy_version
                                                       WHERE version = coalesce($6, $2))))",
    )
    .bind(version)
    .bind(head)
    .bind(&req.meta.author)
    .bind(&req.meta.message)
    .bind(req.kind.as_str())
    .bind(req.restored_from)
    .bind(req.language)
    .execute(&mut *conn)
    .await?;

    if !new_keys.is_empty() {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("INSERT INTO node (key) SELECT unnest($1::text[]) RETURNING id, key")
                .bind(&new_keys)
                .fetch_all(&mut *conn)
                .await?;
        ids.extend(rows.into_iter().map(|(id, k)| (k, id)));
    }
    let id = |k: &String| -> Result<i64> {
        ids.get(k)
            .copied()
            .ok_or_else(|| Error::Invalid(format!("internal: node {k:?} has no id")))
    };

    if !close_state.is_empty() {
        let close_ids = close_state.iter().map(id).collect::<Result<Vec<_>>>()?;
        sqlx::query(
            "UPDATE node_state SET valid = int8range(lower(valid), $2)
             WHERE node_id = ANY($1::int8[]) AND upper_inf(valid)",
        )
        .bind(&close_ids)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    }
    if !open_state.is_empty() {
        let mut node_ids = Vec::with_capacity(open_state.len());
        let mut labels = Vec::with_capacity(open_state.len());
        let mut alts = Vec::with_capacity(open_state.len());
        let mut descs = Vec::with_capacity(open_state.len());
        let mut extras = Vec::with_capacity(open_state.len());
        for (k, n) in &open_state {
            node_ids.push(id(k)?);
            labels.push(n.content.label.as_str());
            // text[] per row cannot travel inside a 1-D array parameter: send each as JSON.
            alts.push(serde_json::to_string(&n.content.alt_labels).unwrap_or_else(|_| "[]".into()));
            descs.push(n.content.description.as_str());
            extras.push(serde_json::to_string(&n.content.extras).unwrap_or_else(|_| "[]".into()));
        }
        sqlx::query(
            "INSERT INTO node_state (node_id, valid, label, alt_labels, description, extras)
             SELECT q.id, int8range($1, NULL), q.label,
                    ARRAY(SELECT jsonb_array_elements_text(q.alts::jsonb)), q.descr, q.extras::jsonb
             FROM unnest($2::int8[], $3::text[], $4::text[], $5::text[], $6::text[])
                  AS q(id, label, alts, descr, extras)",
        )
        .bind(version)
        .bind(&node_ids)
        .bind(&labels)
        .bind(&alts)
        .bind(&descs)
        .bind(&extras)
        .execute(&mut *conn)
        .await?;
    }
    let edge_ids = |edges: &[(String, String)]| -> Result<(Vec<i64>, Vec<i64>)> {
        let mut ps = Vec::with_capacity(edges.len());
        let mut cs = Vec::with_capacity(edges.len());
        for (p, c) in edges {
            ps.push(id(p)?);
            cs.push(id(c)?);
        }
        Ok((ps, cs))
    };
    if !close_edges.is_empty() {
        let (ps, cs) = edge_ids(&close_edges)?;
        sqlx::query(
            "UPDATE edge e SET valid = int8range(lower(e.valid), $3)
             FROM unnest($1::int8[], $2::int8[]) AS x(p, c)
             WHERE e.parent_id = x.p AND e.child_id = x.c AND upper_inf(e.valid)",
        )
        .bind(&ps)
        .bind(&cs)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    }
    let (added_ps, added_cs) = edge_ids(&open_edges)?;
    if !open_edges.is_empty() {
        sqlx::query(
            "INSERT INTO edge (parent_id, child_id, valid)
             SELECT x.p, x.c, int8range($3, NULL) FROM unnest($1::int8[], $2::int8[]) AS x(p, c)",
        )
        .bind(&added_ps)
        .bind(&added_cs)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    }

    deprecated::write(&mut *conn, version, &deprecations).await?;

    // A bulk publish (an import) changes the tables' size by orders of magnitude; without fresh
    // statistics the planner picks nested loops over what it thinks are empty tables.
    let written = open_state.len() + close_state.len() + open_edges.len() + close_edges.len();
    if written >= BULK_ROWS {
        // ANALYZE needs the owner: a definer function of migration 0016.
        sqlx::query("SELECT dtrag_analyze(ARRAY['node', 'node_state', 'edge'])")
            .execute(&mut *conn)
            .await?;
    }

    // Rules, checked on what this publish touched.
    check_parents_exist(&mut *conn, &added_ps, &added_cs, version).await?;
    let removed_ids = removed.iter().map(id).collect::<Result<Vec<_>>>()?;
    if !removed_ids.is_empty() {
        check_removed_have_no_children(&mut *conn, &removed_ids).await?;
    }
    if req.cycle_check == CycleCheck::InDatabase && !open_edges.is_empty() {
        check_no_cycle(&mut *conn, &added_ps, &added_cs).await?;
    }

    // Classifications follow the change in the same transaction.
    let added_ids = added.iter().map(id).collect::<Result<Vec<_>>>()?;
    // A node added and merged away in the same change set was never stored: it has no id and
    // no classifications to carry, so its merge carries nothing.
    let merges = req
        .merges
        .iter()
        .filter(|(f, _)| ids.contains_key(f))
        .map(|(f, i)| Ok((id(f)?, id(i)?)))
        .collect::<Result<Vec<_>>>()?;
    let agents_before = crate::agents::scope::before_publish(&mut *conn).await?;
    let impact = impact::on_publish(
        &mut *conn,
        &impact::Change {
            version,
            head,
            removed: &removed_ids,
            added: &added_ids,
            merges: &merges,
            restored_from: req.restored_from,
        },
    )
    .await?;

    // Agents following the head: their scope nodes changed with the taxonomy.
    let closed_parents = close_edges
        .iter()
        .map(|(p, _)| id(p))
        .collect::<Result<Vec<_>>>()?;
    let graph = crate::agents::scope::GraphChange {
        opened_parents: &added_ps,
        opened_children: &added_cs,
        closed_parents: &closed_parents,
        removed: &removed_ids,
    };
    let agent_scopes = crate::agents::scope::on_publish(&mut *conn, agents_before, &graph).await?;

    let mut details = serde_json::json!({
        "kind": req.kind.as_str(),
        "message": req.meta.message,
        "stats": stats,
        "classifications": {
            "sent_to_review": impact.sent_to_review,
            "carried_by_merge": impact.carried_by_merge,
            "split_items": impact.split_items,
            "restored": impact.restored,
        },
        "agent_scopes": agent_scopes,
    });
    if let (Some(obj), serde_json::Value::Object(extra)) =
        (details.as_object_mut(), req.audit_details)
    {
        obj.extend(extra);
    }
    audit::record(
        &mut *conn,
        &req.meta.author,
        &format!("taxonomy.{}", req.kind.as_str()),
        Some(version),
        details,
    )
    .await?;

    Ok(Published {
        version: Some(version),
        base_head: head,
        stats,
        impact,
        agent_scopes,
        elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
    })
}
