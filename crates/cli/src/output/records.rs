//! Printing the database's own records: migration steps and the audit log.

use dtrag_api::types::{AuditEntry, MigrationStep as Step};

use super::Out;

impl Out {
    pub fn migrations(&self, steps: &[Step]) {
        self.value(&steps, || {
            if steps.is_empty() {
                return "nothing to do".into();
            }
            steps
                .iter()
                .map(|s| {
                    let mut line = format!(
                        "{} {} {}{}",
                        s.direction,
                        s.version,
                        s.description,
                        if s.dry_run {
                            " (dry run, rolled back)"
                        } else {
                            ""
                        }
                    );
                    if let Some(sql) = &s.sql {
                        line += &format!("\n{sql}");
                    }
                    line
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn audit(&self, entries: &[AuditEntry]) {
        self.value(&entries, || {
            entries
                .iter()
                .map(|e| {
                    format!(
                        "{:>6}  {}  {:<12} {:<20} {}  {}",
                        e.id,
                        e.at.format("%Y-%m-%d %H:%M:%S"),
                        e.actor,
                        e.action,
                        e.version.map(|v| format!("v{v}")).unwrap_or_default(),
                        e.details
                            .get("message")
                            .and_then(|m| m.as_str())
                            .unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }
}
