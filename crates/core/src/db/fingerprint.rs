//! A fingerprint of a database's contents: every table of the `public` schema, each row hashed
//! and the row hashes sorted, so the physical order (a VACUUM, a restore, a crash recovery) does
//! not matter and the same rows always give the same digest.
//!
//! Used to prove that a crash, a refused input or a failed write left the database exactly as it
//! was, and that a restore gave back what was backed up. Sequences are not part of it: a
//! rolled-back transaction still advances them (PostgreSQL never gives a number back), which
//! changes no row.

use serde::Serialize;
use sqlx::{Connection, PgConnection, PgPool};

use crate::error::Result;

/// One table's share of a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TableFingerprint {
    pub table: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub rows: i64,
    /// md5 of the table's sorted row hashes.
    pub md5: String,
}

/// The whole database's fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fingerprint {
    /// md5 over every table's name, row count and hash, in table-name order.
    pub digest: String,
    pub tables: Vec<TableFingerprint>,
}

impl Fingerprint {
    /// The tables whose contents differ between `self` and `other` (or exist in one only).
    pub fn differing_tables(&self, other: &Fingerprint) -> Vec<String> {
        let mut names: Vec<&str> = self
            .tables
            .iter()
            .chain(&other.tables)
            .map(|t| t.table.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .filter(|n| {
                let a = self.tables.iter().find(|t| t.table == *n);
                let b = other.tables.iter().find(|t| t.table == *n);
                a != b
            })
            .map(str::to_string)
            .collect()
    }
}

/// Fingerprints every table of the `public` schema in one read-only snapshot.
pub async fn fingerprint(pool: &PgPool) -> Result<Fingerprint> {
    let mut conn = pool.acquire().await?;
    let mut tx = conn.begin().await?;
    // One snapshot for all tables, so a concurrent writer cannot make the tables disagree.
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await?;
    let fp = fingerprint_in(&mut tx).await?;
    tx.rollback().await?;
    Ok(fp)
}

/// Tables about the database rather than of it: the record of the backups taken (migration 0018)
/// is written after each backup's snapshot, so taking a backup must not change the fingerprint
/// the backup is verified by.
pub const NOT_FINGERPRINTED: &[&str] = &["backup_log"];

/// Fingerprints what `conn` sees: call it inside a REPEATABLE READ transaction (a backup does, on
/// the snapshot it dumps) so every table is read at one moment.
pub async fn fingerprint_in(conn: &mut PgConnection) -> Result<Fingerprint> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND c.relname::text <> ALL ($1)
         ORDER BY c.relname COLLATE \"C\"",
    )
    .bind(NOT_FINGERPRINTED)
    .fetch_all(&mut *conn)
    .await?;
    let mut tables = Vec::with_capacity(names.len());
    for table in names {
        // Row hashes rather than the rows themselves: a table of vectors is hundreds of MB as
        // text, its 32-byte hashes a few MB. `t::text` is the row's canonical text form.
        let sql = format!(
            "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h COLLATE \"C\"), ''))
             FROM (SELECT md5(t::text) AS h FROM public.{} t) s",
            quote_ident(&table)
        );
        let (rows, md5): (i64, String) = sqlx::query_as(&sql).fetch_one(&mut *conn).await?;
        tables.push(TableFingerprint { table, rows, md5 });
    }
    let summary: String = tables
        .iter()
        .map(|t| format!("{}:{}:{}\n", t.table, t.rows, t.md5))
        .collect();
    let digest: String = sqlx::query_scalar("SELECT md5($1)")
        .bind(summary)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Fingerprint { digest, tables })
}

/// A double-quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
