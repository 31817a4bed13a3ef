//! Deprecated concepts at any version (migration 0012): what a SKOS file said about the concepts
//! it marks `owl:deprecated true`, which are not nodes. A SKOS import sets the whole set; every
//! other publish keeps the head's (a rollback: the restored version's), less the keys that become
//! nodes, so a key is a node or a deprecated concept at a version, never both.

use std::collections::BTreeMap;

use serde::Serialize;
use sqlx::types::Json;
use sqlx::PgConnection;

use super::model::{normalise_extras, DeprecatedConcept, Extra};
use super::read::{at_sql, At};
use crate::error::Result;

/// Deprecated concepts by key: their statements.
pub type Set = BTreeMap<String, Vec<Extra>>;

/// What a publish does with the deprecated concepts.
#[derive(Debug, Clone, Copy, Default)]
pub enum Deprecations<'a> {
    /// The head's, or with `restored_from` the restored version's (edits, JSON Lines imports,
    /// rollbacks).
    #[default]
    Keep,
    /// Exactly these (a SKOS import: the file says which concepts are deprecated).
    Set(&'a [DeprecatedConcept]),
}

/// A deprecated concept that differs between two versions: `None` = not deprecated there.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeprecatedChange {
    pub key: String,
    pub before: Option<Vec<Extra>>,
    pub after: Option<Vec<Extra>>,
}

/// The deprecated concepts at `at`, sorted by key.
pub async fn at(conn: &mut PgConnection, at: At) -> Result<Vec<DeprecatedConcept>> {
    let sql = format!(
        "SELECT d.key, d.statements FROM deprecated_concept d WHERE {} ORDER BY d.key",
        at_sql("d", 1, at)
    );
    let rows: Vec<(String, Json<Vec<Extra>>)> = sqlx::query_as(&sql)
        .bind(at.version)
        .fetch_all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(key, s)| DeprecatedConcept {
            key,
            statements: s.0,
        })
        .collect())
}

async fn set_at(conn: &mut PgConnection, v: At) -> Result<Set> {
    Ok(at(conn, v)
        .await?
        .into_iter()
        .map(|d| (d.key, d.statements))
        .collect())
}

/// The deprecated concepts that differ from version `from` to version `to`, by key.
pub async fn changes(conn: &mut PgConnection, from: At, to: At) -> Result<Vec<DeprecatedChange>> {
    if from.version == to.version {
        return Ok(Vec::new());
    }
    let before = set_at(&mut *conn, from).await?;
    let after = set_at(&mut *conn, to).await?;
    Ok(compare(&before, &after))
}

fn compare(before: &Set, after: &Set) -> Vec<DeprecatedChange> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| DeprecatedChange {
            key: k.clone(),
            before: before.get(k).cloned(),
            after: after.get(k).cloned(),
        })
        .collect()
}

/// What a publish writes: keys whose open row closes, rows that open.
#[derive(Debug, Default)]
pub struct Plan {
    close: Vec<String>,
    open: Vec<(String, Vec<Extra>)>,
}

impl Plan {
    /// How many deprecated concepts change.
    pub fn changed(&self) -> usize {
        let mut keys: Vec<&String> = self
            .close
            .iter()
            .chain(self.open.iter().map(|o| &o.0))
            .collect();
        keys.sort();
        keys.dedup();
        keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.close.is_empty() && self.open.is_empty()
    }
}

/// Works out what a publish from `head` does with the deprecated concepts; `is_node` says
/// which keys are nodes after it (they cannot stay deprecated).
pub async fn plan(
    conn: &mut PgConnection,
    head: i64,
    wanted: Deprecations<'_>,
    restored_from: Option<i64>,
    is_node: impl Fn(&str) -> bool,
) -> Result<Plan> {
    let have = set_at(&mut *conn, At::head(head)).await?;
    let mut want: Set = match (wanted, restored_from) {
        (Deprecations::Set(list), _) => list
            .iter()
            .map(|d| {
                let mut s = d.statements.clone();
                normalise_extras(&mut s);
                (d.key.clone(), s)
            })
            .collect(),
        (Deprecations::Keep, Some(v)) => set_at(&mut *conn, At { version: v, head }).await?,
        (Deprecations::Keep, None) => have.clone(),
    };
    want.retain(|k, _| !is_node(k));
    let mut p = Plan::default();
    for c in compare(&have, &want) {
        if c.before.is_some() {
            p.close.push(c.key.clone());
        }
        if let Some(s) = c.after {
            p.open.push((c.key, s));
        }
    }
    Ok(p)
}

/// Writes `plan` as version `version` (inside the publish's transaction).
pub async fn write(conn: &mut PgConnection, version: i64, plan: &Plan) -> Result<()> {
    if !plan.close.is_empty() {
        sqlx::query(
            "UPDATE deprecated_concept SET valid = int8range(lower(valid), $2)
             WHERE key = ANY($1::text[]) AND upper_inf(valid)",
        )
        .bind(&plan.close)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    }
    if !plan.open.is_empty() {
        let keys: Vec<&str> = plan.open.iter().map(|(k, _)| k.as_str()).collect();
        let statements: Vec<String> = plan
            .open
            .iter()
            .map(|(_, s)| serde_json::to_string(s).unwrap_or_else(|_| "[]".into()))
            .collect();
        sqlx::query(
            "INSERT INTO deprecated_concept (key, valid, statements)
             SELECT q.key, int8range($1, NULL), q.statements::jsonb
             FROM unnest($2::text[], $3::text[]) AS q(key, statements)",
        )
        .bind(version)
        .bind(&keys)
        .bind(&statements)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
