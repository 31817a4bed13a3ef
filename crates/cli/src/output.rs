//! Printing results: plain text for people, JSON (`--json`) for scripts.

use std::io::{IsTerminal, Write};
use std::path::Path;

use serde::Serialize;

use dtrag_api::progress::Progress as Report;
use dtrag_api::types::{
    AuditEntry, Diff, FindHit, MigrationStep as Step, NodeDetails, NodeRecord, Published,
    RollbackOutcome, TreeLine, Version,
};
use dtrag_api::{CommandError, ErrorKind};

pub struct Out {
    pub json: bool,
}

/// Writes a line to stdout; a closed pipe (`dtrag ... | head`) is not an error worth a panic.
fn emit(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// An error that did not come from the library, as a report.
fn other_report(e: &anyhow::Error) -> CommandError {
    CommandError::new(
        ErrorKind::InvalidInput,
        dtrag_api::error_message(e.as_ref()),
    )
}

fn print_json(value: &impl Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => emit(&s),
        Err(e) => eprintln!("error: cannot encode the result as JSON: {e}"),
    }
}

impl Out {
    /// Prints `value` as JSON, or the text made by `text`.
    pub fn value(&self, value: &impl Serialize, text: impl FnOnce() -> String) {
        if self.json {
            print_json(value);
        } else {
            emit(&text());
        }
    }

    /// Prints an error on stderr (even with `--json`, so stdout stays a clean result stream):
    /// `error: message`, or `{"error": message, "kind": kind}`. A library error keeps its kind;
    /// anything else (a refused confirmation, an unreadable answer) is `invalid_input`.
    pub fn error(&self, e: &anyhow::Error) {
        let report = match e.downcast_ref::<dtrag_api::Error>() {
            Some(lib) => CommandError::new(lib.kind(), dtrag_api::error_message(e.as_ref())),
            None => other_report(e),
        };
        if self.json {
            let v = serde_json::json!({"error": report.message, "kind": report.kind});
            eprintln!("{v}");
        } else {
            eprintln!("error: {}", report.message);
        }
    }

    pub fn published(&self, what: &str, p: &Published) {
        self.value(p, || match p.version {
            Some(v) => format!(
                "{what}: published version {v} (+{} -{} ~{} nodes, +{} -{} edges) in {:.0} ms",
                p.stats.nodes_added,
                p.stats.nodes_removed,
                p.stats.nodes_changed,
                p.stats.edges_added,
                p.stats.edges_removed,
                p.elapsed_ms
            ),
            None => format!(
                "{what}: nothing changed; version {} stays the head",
                p.base_head
            ),
        });
    }

    pub fn versions(&self, versions: &[Version]) {
        self.value(&versions, || {
            versions
                .iter()
                .map(|v| {
                    let restored = v
                        .restored_from
                        .map(|r| format!(" (restores {r})"))
                        .unwrap_or_default();
                    format!(
                        "{:>5}  {}  {:<8} {:<12} {}{}",
                        v.version,
                        v.created_at.format("%Y-%m-%d %H:%M:%S"),
                        v.kind.as_str(),
                        v.author,
                        v.message,
                        restored
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn tree(&self, version: i64, lines: &[TreeLine]) {
        self.value(
            &serde_json::json!({"version": version, "nodes": lines}),
            || {
                if lines.is_empty() {
                    return format!("(version {version}: the taxonomy is empty)");
                }
                lines
                    .iter()
                    .map(|l| {
                        let multi = if l.node.parent_count > 1 {
                            format!("  (+{} parents)", l.node.parent_count - 1)
                        } else {
                            String::new()
                        };
                        format!(
                            "{}{}  [{}]{}",
                            "  ".repeat(l.depth),
                            l.node.label,
                            l.node.key,
                            multi
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            },
        );
    }

    pub fn details(&self, d: &NodeDetails) {
        self.value(d, || {
            let mut s = format!("{}  [{}]  (version {})\n", d.label, d.key, d.version);
            if !d.alt_labels.is_empty() {
                s += &format!("also: {}\n", d.alt_labels.join(", "));
            }
            if !d.description.is_empty() {
                s += &format!("{}\n", d.description);
            }
            let names = |ns: &[dtrag_api::types::NodeSummary]| {
                ns.iter()
                    .map(|n| format!("{} [{}]", n.label, n.key))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            s += &format!("parents: {}\n", names(&d.parents));
            s += &format!("children: {}\n", names(&d.children));
            s += "paths:\n";
            for p in &d.paths {
                s += &format!("  {}\n", p.join(" > "));
            }
            s.trim_end().to_string()
        });
    }

    pub fn find(&self, hits: &[FindHit]) {
        self.value(&hits, || {
            if hits.is_empty() {
                return "no match".into();
            }
            hits.iter()
                .map(|h| {
                    let via = if h.matched != h.label {
                        format!(" (as {:?})", h.matched)
                    } else {
                        String::new()
                    };
                    format!("{:.2}  {}  [{}]{}", h.score, h.label, h.key, via)
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn diff(&self, d: &Diff) {
        self.value(d, || diff_text(d));
    }

    pub fn rollback(&self, r: &RollbackOutcome) {
        self.value(r, || {
            let head = match (r.dry_run, r.version) {
                (true, _) => format!(
                    "dry run: rolling back to version {} would change this (nothing written):",
                    r.restored
                ),
                (false, Some(v)) => format!(
                    "published version {v}, equal to version {}, in {:.0} ms; it applied:",
                    r.restored, r.elapsed_ms
                ),
                (false, None) => format!(
                    "the head (version {}) already equals version {}: nothing to do",
                    r.head_before, r.restored
                ),
            };
            format!("{head}\n{}", diff_text(&r.diff))
        });
    }

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

fn diff_text(d: &Diff) -> String {
    let s = &d.summary;
    let mut out = format!(
        "diff {} -> {}: {} added, {} removed, {} renamed, {} moved, {} edited\n",
        d.from, d.to, s.added, s.removed, s.renamed, s.moved, s.edited
    );
    for n in &d.added {
        out += &format!("+ {} [{}] under {}\n", n.label, n.key, n.parents.join(", "));
    }
    for n in &d.removed {
        out += &format!("- {} [{}]\n", n.label, n.key);
    }
    for r in &d.renamed {
        out += &format!("~ [{}] renamed {:?} -> {:?}\n", r.key, r.before, r.after);
    }
    for m in &d.moved {
        out += &format!(
            "> {} [{}] parents {} -> {}\n",
            m.label,
            m.key,
            m.before.join(", "),
            m.after.join(", ")
        );
    }
    for e in &d.edited {
        out += &format!("* {} [{}] edited", e.label, e.key);
        if !e.description_diff.is_empty() {
            let words: String = e
                .description_diff
                .iter()
                .map(|s| match s.tag {
                    "delete" => format!("[-{}-]", s.text),
                    "insert" => format!("{{+{}+}}", s.text),
                    _ => s.text.clone(),
                })
                .collect();
            out += &format!(": {words}");
        }
        if e.before.alt_labels != e.after.alt_labels {
            out += &format!(
                " (alt labels {:?} -> {:?})",
                e.before.alt_labels, e.after.alt_labels
            );
        }
        out += "\n";
    }
    out.trim_end().to_string()
}

/// Writes records as JSON Lines to `path`, or to standard output.
pub fn write_jsonl(records: &[NodeRecord], path: Option<&Path>) -> anyhow::Result<()> {
    let mut w: Box<dyn Write> = match path {
        Some(p) => Box::new(std::io::BufWriter::new(std::fs::File::create(p)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    for r in records {
        serde_json::to_writer(&mut w, r)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(())
}

/// Progress of long work on stderr (`ingested 12,000 / 82,115 documents`, `embedded 640 / 3,000
/// chunks`): one line rewritten in place on a terminal, a plain line every tenth of the way
/// otherwise. Small jobs and `--json` print nothing.
pub struct Progress {
    enabled: bool,
    terminal: bool,
    /// Something is on the terminal line (it needs a newline at the end).
    drawn: bool,
    /// The stage and last tenth reported on a non-terminal.
    tenth: (&'static str, usize),
}

impl Progress {
    pub fn new(enabled: bool) -> Self {
        Progress {
            enabled,
            terminal: std::io::stderr().is_terminal(),
            drawn: false,
            tenth: ("", 0),
        }
    }

    /// Jobs smaller than this are quick: no progress. Embedding is slow per item (tens of
    /// chunks a second), ingesting fast (thousands of documents a second).
    fn worth_showing(r: &Report) -> bool {
        match r.stage {
            "embed" => r.total >= 200,
            _ => r.total >= 1000,
        }
    }

    pub fn update(&mut self, r: &Report) {
        if !self.enabled || !Self::worth_showing(r) {
            return;
        }
        let (verb, unit) = match r.stage {
            "embed" => ("embedded", "chunks"),
            _ => ("ingested", "documents"),
        };
        let line = format!(
            "{verb} {} / {} {unit}",
            thousands(r.done),
            thousands(r.total)
        );
        let mut err = std::io::stderr().lock();
        if self.terminal {
            let _ = write!(err, "\r{line}\x1b[K");
            let _ = err.flush();
            self.drawn = true;
        } else {
            let tenth = r.done * 10 / r.total.max(1);
            if self.tenth.0 != r.stage || tenth > self.tenth.1 {
                self.tenth = (r.stage, tenth);
                let _ = writeln!(err, "{line}");
            }
        }
    }

    /// Ends the terminal line (also after an error, so the message starts on a line of its own).
    pub fn finish(&mut self) {
        if self.drawn {
            let _ = writeln!(std::io::stderr().lock());
            self.drawn = false;
        }
    }
}

/// `82115` as `82,115`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_separated() {
        for (n, s) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (82115, "82,115"),
            (1234567, "1,234,567"),
        ] {
            assert_eq!(super::thousands(n), s);
        }
    }
}
