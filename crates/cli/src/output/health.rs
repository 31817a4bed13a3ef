//! `dtrag db health` as text: warnings first (what to act on), then the figures.

use dtrag_api::types::Health;

const MB: f64 = (1u64 << 20) as f64;

fn mb(bytes: i64) -> String {
    format!("{:.1} MB", bytes as f64 / MB)
}

/// "3 h ago", "2 days ago": ages people read at a glance.
fn age(seconds: f64) -> String {
    match seconds {
        s if s < 120.0 => format!("{s:.0} s ago"),
        s if s < 7_200.0 => format!("{:.0} min ago", s / 60.0),
        s if s < 172_800.0 => format!("{:.0} h ago", s / 3_600.0),
        s => format!("{:.0} days ago", s / 86_400.0),
    }
}

pub fn text(h: &Health) -> String {
    let mut out = Vec::new();
    if h.warnings.is_empty() {
        out.push("no warnings".to_string());
    } else {
        out.push(format!("{} warning(s):", h.warnings.len()));
        for w in &h.warnings {
            out.push(format!("  ! [{}] {}", w.subject, w.message));
            if let Some(fix) = &w.fix {
                out.push(format!("      fix: {fix}"));
            }
        }
    }
    out.push(String::new());
    out.push(format!("server      PostgreSQL {}", h.server.version));
    let extensions: Vec<String> = h
        .server
        .extensions
        .iter()
        .map(|e| match &e.update_available {
            Some(v) => format!("{} {} (update to {v} available)", e.name, e.version),
            None => format!("{} {}", e.name, e.version),
        })
        .collect();
    out.push(format!("extensions  {}", extensions.join(", ")));
    out.push(format!(
        "database    {} {} (migration {})",
        h.database.name,
        mb(h.database.bytes),
        h.database.migration_level
    ));
    let c = &h.connections;
    let states: Vec<String> = c
        .by_state
        .iter()
        .map(|s| format!("{} {}", s.count, s.state))
        .collect();
    out.push(format!(
        "connections {} of {} in use ({} reserved for superusers), {} on this database: {}",
        c.in_use,
        c.max_connections,
        c.reserved,
        c.this_database,
        states.join(", ")
    ));
    out.push(format!(
        "backup      {}",
        match (&h.last_backup, h.last_backup_age_s) {
            (Some(b), Some(s)) => format!("{} by {}: {}", age(s), b.taken_by, b.file),
            _ => "none recorded".into(),
        }
    ));
    out.push(String::new());
    out.push(format!(
        "settings    {}",
        h.server
            .settings
            .iter()
            .map(|s| format!("{}={}", s.name, s.value))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    out.push(format!(
        "vector indexes (shared_buffers {}):",
        mb(h.shared_buffers_bytes)
    ));
    if h.vector_indexes.is_empty() {
        out.push("  none".into());
    }
    for i in &h.vector_indexes {
        out.push(format!(
            "  {:<40} {:<8} {:>10}  {}",
            i.name,
            i.method,
            mb(i.bytes),
            if i.fits_in_shared_buffers {
                "fits"
            } else {
                "DOES NOT FIT"
            }
        ));
    }
    out.push(String::new());
    out.push(format!(
        "{:<26} {:>10} {:>9} {:>11} {:>11}  {:<10} {:<10}",
        "table", "live rows", "dead", "total", "indexes", "vacuumed", "analyzed"
    ));
    // RFC 3339 to its date: the CLI needs no date library of its own.
    let day = |t: &Option<String>| {
        t.as_deref()
            .map_or("never".to_string(), |t| t.chars().take(10).collect())
    };
    for t in &h.tables {
        out.push(format!(
            "{:<26} {:>10} {:>9} {:>11} {:>11}  {:<10} {:<10}",
            t.name,
            t.live_rows,
            t.dead_rows,
            mb(t.total_bytes),
            mb(t.index_bytes),
            day(&t.last_vacuum.map(|t| t.to_rfc3339())),
            day(&t.last_analyze.map(|t| t.to_rfc3339()))
        ));
    }
    out.push(String::new());
    let s = &h.statements;
    match &s.message {
        Some(m) if s.slowest.is_empty() => out.push(format!("slowest statements: {m}")),
        _ => {
            out.push("slowest statements (mean ms, max ms, calls):".into());
            for st in &s.slowest {
                let query: String = st.query.split_whitespace().collect::<Vec<_>>().join(" ");
                let query: String = query.chars().take(110).collect();
                out.push(format!(
                    "  {:>9.1} {:>9.1} {:>8}  {query}",
                    st.mean_ms, st.max_ms, st.calls
                ));
            }
        }
    }
    out.join("\n")
}
