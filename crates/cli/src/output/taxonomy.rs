//! Printing the taxonomy: versions, the tree, a node's details, find hits, diffs, rollbacks and
//! publish results.

use dtrag_api::types::{
    ClassificationImpact, Diff, FindHit, NodeDetails, Published, RollbackOutcome, ScopeChange,
    TreeLine, Version,
};

use super::Out;

impl Out {
    pub fn published(&self, what: &str, p: &Published) {
        self.value(p, || published_text(what, p));
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
}

/// The line a publish prints.
pub(super) fn published_text(what: &str, p: &Published) -> String {
    match p.version {
        Some(v) => {
            format!(
                "{what}: published version {v} (+{} -{} ~{} nodes, +{} -{} edges) in {:.0} ms{}",
                p.stats.nodes_added,
                p.stats.nodes_removed,
                p.stats.nodes_changed,
                p.stats.edges_added,
                p.stats.edges_removed,
                p.elapsed_ms,
                impact_text(&p.impact)
            ) + &match agent_scopes_text(&p.agent_scopes) {
                t if t.is_empty() => t,
                t => format!("\n{}", t.trim_end()),
            }
        }
        None => format!(
            "{what}: nothing changed; version {} stays the head",
            p.base_head
        ),
    }
}

/// "@ agent support: +2 -5 documents (40 -> 37)" per agent whose scope a change alters.
fn agent_scopes_text(changes: &[ScopeChange]) -> String {
    changes
        .iter()
        .map(|c| {
            format!(
                "@ agent {}: +{} -{} documents in scope ({} -> {})\n",
                c.agent, c.added, c.removed, c.documents_before, c.documents_after
            )
        })
        .collect()
}

/// "; 3 documents sent to review, ..." — what a publish did to classifications.
fn impact_text(i: &ClassificationImpact) -> String {
    let mut parts = Vec::new();
    if i.sent_to_review > 0 {
        parts.push(format!("{} document(s) sent to review", i.sent_to_review));
    }
    if i.carried_by_merge > 0 {
        parts.push(format!(
            "{} classification(s) carried by a merge",
            i.carried_by_merge
        ));
    }
    if i.split_items > 0 {
        parts.push(format!(
            "{} document(s) to re-classify among new children",
            i.split_items
        ));
    }
    if i.restored > 0 {
        parts.push(format!(
            "{} classification(s) and review item(s) restored",
            i.restored
        ));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {}", parts.join(", "))
    }
}

/// A kept statement as `<property> value`: an IRI in angle brackets, a literal quoted with its
/// language or datatype.
fn extra_text(e: &dtrag_api::types::Extra) -> String {
    use dtrag_api::types::ExtraObject;
    let object = match &e.object {
        ExtraObject::Iri(i) => format!("<{i}>"),
        ExtraObject::Literal {
            value,
            lang: Some(l),
            ..
        } => format!("{value:?}@{l}"),
        ExtraObject::Literal {
            value,
            datatype: Some(d),
            ..
        } => format!("{value:?}^^<{d}>"),
        ExtraObject::Literal { value, .. } => format!("{value:?}"),
    };
    format!("<{}> {object}", e.property)
}

pub(super) fn diff_text(d: &Diff) -> String {
    let s = &d.summary;
    let mut out = format!(
        "diff {} -> {}: {} added, {} removed, {} renamed, {} moved, {} edited{}\n",
        d.from,
        d.to,
        s.added,
        s.removed,
        s.renamed,
        s.moved,
        s.edited,
        match s.deprecated {
            0 => String::new(),
            n => format!(", {n} deprecated concept(s) changed"),
        }
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
        // Extras-only edits (a notation, another language's label, a note) show here.
        for x in &e.extras_removed {
            out += &format!("    - {}\n", extra_text(x));
        }
        for x in &e.extras_added {
            out += &format!("    + {}\n", extra_text(x));
        }
    }
    for c in &d.deprecated {
        let what = match (&c.before, &c.after) {
            (None, _) => "deprecated",
            (_, None) => "no longer deprecated",
            _ => "deprecated, its statements changed",
        };
        out += &format!("x [{}] {what}\n", c.key);
    }
    for i in &d.impact.entries {
        let verb = match i.change.as_str() {
            "removed" => "sent to review (category removed)",
            "merged" => "carried to the category it was merged into",
            "split" => "sent to review (category split)",
            _ => "classified under a moved category",
        };
        out += &format!(
            "! [{}] {} document(s) {verb}: {}{}\n",
            i.key,
            i.documents,
            i.sample.join(", "),
            if i.documents > i.sample.len() as i64 {
                ", ..."
            } else {
                ""
            }
        );
    }
    if d.impact.restored > 0 {
        out += &format!(
            "! {} classification(s) and review item(s) restored as they were\n",
            d.impact.restored
        );
    }
    out += &agent_scopes_text(&d.agent_scopes);
    out.trim_end().to_string()
}
