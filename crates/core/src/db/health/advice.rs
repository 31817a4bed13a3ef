//! The health report's warnings: each names what is wrong, by how much, and the setting or
//! command that fixes it. A pure function of the figures, so each rule is unit-tested.

use serde::Serialize;

use super::statements::StatementsStatus;
use super::Health;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Warning {
    /// What it is about: `vector_index`, `connections`, `statements`, `backup`, `vacuum`,
    /// `analyze`.
    pub subject: String,
    pub message: String,
    /// The setting or command that addresses it, when there is one.
    pub fix: Option<String>,
}

/// Clients may use this share of the ordinary slots before the report warns.
const CONNECTIONS_WARN: f64 = 0.8;
/// A backup older than this is worth a warning.
const BACKUP_WARN_S: f64 = 7.0 * 86_400.0;
/// Dead rows worth a warning: more than this many and more than this share of the live ones.
const DEAD_ROWS_WARN: i64 = 10_000;
const DEAD_SHARE_WARN: f64 = 0.2;
/// A table this large that was never analyzed plans on guesses.
const UNANALYZED_ROWS_WARN: i64 = 1_000;

const MB: i64 = 1 << 20;

/// The warnings for `health`, most important first. `embedded`: the server is the app's own
/// cluster, whose restart is `dtrag db stop` + `dtrag db start`.
pub fn warnings(health: &Health, embedded: bool) -> Vec<Warning> {
    let mut out = Vec::new();
    let restart = if embedded {
        "then restart it (dtrag db stop; dtrag db start)"
    } else {
        "then restart the server"
    };
    vector_indexes(health, restart, &mut out);
    connections(health, &mut out);
    statements(health, &mut out);
    backup(health, &mut out);
    tables(health, &mut out);
    out
}

fn vector_indexes(health: &Health, restart: &str, out: &mut Vec<Warning>) {
    let buffers = health.shared_buffers_bytes;
    let total: i64 = health.vector_indexes.iter().map(|i| i.bytes).sum();
    // Room for the indexes and a quarter more for the tables the searches read beside them.
    let suggest = |bytes: i64| round_up_mb(bytes + bytes / 4, 128);
    for index in health
        .vector_indexes
        .iter()
        .filter(|i| !i.fits_in_shared_buffers)
    {
        out.push(Warning {
            subject: "vector_index".into(),
            message: format!(
                "the {} index {} ({} MB) does not fit in shared_buffers ({} MB): searches read \
                 it from disk",
                index.method,
                index.name,
                index.bytes / MB,
                buffers / MB
            ),
            fix: Some(format!(
                "ALTER SYSTEM SET shared_buffers = '{}MB' (as a superuser), {restart}",
                suggest(index.bytes)
            )),
        });
    }
    let each_fits = health
        .vector_indexes
        .iter()
        .all(|i| i.fits_in_shared_buffers);
    if each_fits && health.vector_indexes.len() > 1 && total > buffers {
        out.push(Warning {
            subject: "vector_index".into(),
            message: format!(
                "the {} vector indexes together ({} MB) do not fit in shared_buffers ({} MB): \
                 searching with several models evicts one for another",
                health.vector_indexes.len(),
                total / MB,
                buffers / MB
            ),
            fix: Some(format!(
                "ALTER SYSTEM SET shared_buffers = '{}MB' (as a superuser), {restart}",
                suggest(total)
            )),
        });
    }
}

fn connections(health: &Health, out: &mut Vec<Warning>) {
    let c = &health.connections;
    let ordinary = (c.max_connections - c.reserved).max(1);
    if c.in_use as f64 >= CONNECTIONS_WARN * ordinary as f64 {
        out.push(Warning {
            subject: "connections".into(),
            message: format!(
                "{} of {} connections are in use: new clients will soon wait and then be told \
                 the database is busy",
                c.in_use, ordinary
            ),
            fix: Some(
                "close idle clients, or raise max_connections (ALTER SYSTEM, then restart)".into(),
            ),
        });
    }
}

fn statements(health: &Health, out: &mut Vec<Warning>) {
    let s = &health.statements;
    if s.status != StatementsStatus::Enabled || s.hidden > 0 {
        out.push(Warning {
            subject: "statements".into(),
            message: match s.status {
                StatementsStatus::Enabled => "some statements' text is hidden from this role",
                StatementsStatus::NotInstalled => "pg_stat_statements is not installed",
                StatementsStatus::NotLoaded => "pg_stat_statements is not loaded",
                StatementsStatus::NoAccess => "pg_stat_statements may not be read",
            }
            .to_string()
                + ": the slowest statements cannot be shown",
            fix: s.message.clone(),
        });
    }
}

fn backup(health: &Health, out: &mut Vec<Warning>) {
    match health.last_backup_age_s {
        None => out.push(Warning {
            subject: "backup".into(),
            message: "no backup of this database was ever recorded".into(),
            fix: Some("dtrag db backup".into()),
        }),
        Some(age) if age > BACKUP_WARN_S => out.push(Warning {
            subject: "backup".into(),
            message: format!("the last backup is {:.0} days old", age / 86_400.0),
            fix: Some("dtrag db backup".into()),
        }),
        Some(_) => {}
    }
}

fn tables(health: &Health, out: &mut Vec<Warning>) {
    for t in &health.tables {
        if t.dead_rows > DEAD_ROWS_WARN && t.dead_rows as f64 > DEAD_SHARE_WARN * t.live_rows as f64
        {
            out.push(Warning {
                subject: "vacuum".into(),
                message: format!(
                    "{} has {} dead rows beside {} live ones: autovacuum is behind",
                    t.name, t.dead_rows, t.live_rows
                ),
                fix: Some(format!("VACUUM (ANALYZE) {} (as its owner)", t.name)),
            });
        }
        if t.last_analyze.is_none() && t.live_rows > UNANALYZED_ROWS_WARN {
            out.push(Warning {
                subject: "analyze".into(),
                message: format!(
                    "{} ({} rows) was never analyzed: its queries are planned on guesses",
                    t.name, t.live_rows
                ),
                fix: Some(format!("ANALYZE {} (as its owner)", t.name)),
            });
        }
    }
}

/// `bytes` in MB, rounded up to a multiple of `step` MB.
fn round_up_mb(bytes: i64, step: i64) -> i64 {
    let mb = (bytes + MB - 1) / MB;
    ((mb + step - 1) / step).max(1) * step
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::health::{
        Connections, DatabaseSize, Server, StatementStats, TableHealth, VectorIndex,
    };

    fn healthy() -> Health {
        Health {
            checked_at: chrono::Utc::now(),
            server: Server {
                version: "15".into(),
                version_num: 150000,
                extensions: vec![],
                settings: vec![],
            },
            database: DatabaseSize {
                name: "dtrag".into(),
                bytes: 10 * MB,
                migration_level: 18,
            },
            connections: Connections {
                in_use: 5,
                this_database: 3,
                max_connections: 100,
                reserved: 3,
                by_state: vec![],
            },
            shared_buffers_bytes: 512 * MB,
            vector_indexes: vec![index("a", 180 * MB, 512 * MB)],
            tables: vec![table("node", 100, 0, true)],
            statements: StatementStats {
                status: StatementsStatus::Enabled,
                message: None,
                slowest: vec![],
                hidden: 0,
            },
            last_backup: None,
            last_backup_age_s: Some(3600.0),
            warnings: vec![],
        }
    }

    fn index(name: &str, bytes: i64, buffers: i64) -> VectorIndex {
        VectorIndex {
            name: name.into(),
            table: "chunk_embedding".into(),
            method: "hnsw".into(),
            bytes,
            fits_in_shared_buffers: bytes <= buffers,
        }
    }

    fn table(name: &str, live: i64, dead: i64, analyzed: bool) -> TableHealth {
        TableHealth {
            name: name.into(),
            live_rows: live,
            dead_rows: dead,
            total_bytes: 0,
            index_bytes: 0,
            last_vacuum: None,
            last_analyze: analyzed.then(chrono::Utc::now),
        }
    }

    fn subjects(h: &Health) -> Vec<String> {
        warnings(h, true).into_iter().map(|w| w.subject).collect()
    }

    #[test]
    fn a_healthy_database_has_no_warnings() {
        assert_eq!(warnings(&healthy(), true), vec![]);
    }

    #[test]
    fn an_index_larger_than_shared_buffers_names_the_setting_to_raise() {
        let mut h = healthy();
        h.vector_indexes = vec![index("big", 600 * MB, h.shared_buffers_bytes)];
        let w = warnings(&h, true);
        assert_eq!(w.len(), 1);
        assert!(w[0].message.contains("big (600 MB)"), "{}", w[0].message);
        assert!(w[0].message.contains("shared_buffers (512 MB)"));
        // 600 MB + a quarter = 750 MB, rounded up to 768 MB; the embedded restart is named.
        let fix = w[0].fix.as_deref().unwrap_or_default();
        assert!(
            fix.starts_with("ALTER SYSTEM SET shared_buffers = '768MB'"),
            "{fix}"
        );
        assert!(fix.contains("dtrag db stop"), "{fix}");
        assert!(!warnings(&h, false)[0]
            .fix
            .as_deref()
            .unwrap_or_default()
            .contains("dtrag db"));
    }

    #[test]
    fn indexes_that_fit_alone_but_not_together_are_one_warning() {
        let mut h = healthy();
        h.vector_indexes = vec![
            index("a", 300 * MB, 512 * MB),
            index("b", 300 * MB, 512 * MB),
        ];
        let w = warnings(&h, true);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].message.contains("together (600 MB)"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn connections_warn_at_four_fifths_of_the_ordinary_slots() {
        let mut h = healthy();
        h.connections.in_use = 77; // 0.8 × 97 = 77.6
        assert_eq!(subjects(&h), Vec::<String>::new());
        h.connections.in_use = 78;
        assert_eq!(subjects(&h), vec!["connections"]);
    }

    #[test]
    fn statistics_that_are_off_say_how_to_turn_them_on() {
        let mut h = healthy();
        h.statements.status = StatementsStatus::NotLoaded;
        h.statements.message = Some("add it".into());
        let w = warnings(&h, true);
        assert_eq!(w[0].subject, "statements");
        assert!(w[0].message.contains("not loaded"));
        assert_eq!(w[0].fix.as_deref(), Some("add it"));
    }

    #[test]
    fn a_missing_or_old_backup_is_a_warning_a_recent_one_is_not() {
        let mut h = healthy();
        h.last_backup_age_s = None;
        assert_eq!(subjects(&h), vec!["backup"]);
        h.last_backup_age_s = Some(8.0 * 86_400.0);
        let w = warnings(&h, true);
        assert!(w[0].message.contains("8 days"), "{}", w[0].message);
        h.last_backup_age_s = Some(6.0 * 86_400.0);
        assert!(warnings(&h, true).is_empty());
    }

    #[test]
    fn many_dead_rows_and_an_unanalyzed_large_table_are_warnings() {
        let mut h = healthy();
        h.tables = vec![
            table("review_item", 40_000, 10_001, true), // 25 % dead
            table("edge", 1_000_000, 20_000, true),     // 2 % dead: fine
            table("chunk", 5_000, 0, false),            // never analyzed
            table("agent", 10, 0, false),               // small: fine
        ];
        assert_eq!(subjects(&h), vec!["vacuum", "analyze"]);
        let w = warnings(&h, true);
        assert!(w[0].message.starts_with("review_item has 10001 dead rows"));
        assert_eq!(w[1].fix.as_deref(), Some("ANALYZE chunk (as its owner)"));
    }

    #[test]
    fn rounding_up_to_whole_steps() {
        assert_eq!(round_up_mb(1, 128), 128);
        assert_eq!(round_up_mb(128 * MB, 128), 128);
        assert_eq!(round_up_mb(128 * MB + 1, 128), 256);
    }
}
