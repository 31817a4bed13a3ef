//! Printing imports (with what a SKOS mapping reported), import previews and quality findings.

use dtrag_api::taxonomy::{ImportPreview, Imported};
use dtrag_api::types::{ImportReport, QualityReport};

use super::taxonomy::{diff_text, published_text};
use super::Out;

/// Unplaced statements printed in text mode (`--json` has the first thousand).
const UNPLACED_SHOWN: usize = 10;

impl Out {
    pub fn imported(&self, i: &Imported) {
        self.value(i, || {
            let mut text = published_text("import", &i.published);
            if let Some(r) = &i.skos {
                text.push('\n');
                text.push_str(&report_text(r));
            }
            text
        });
    }

    pub fn import_preview(&self, p: &ImportPreview) {
        self.value(p, || {
            let mut text = diff_text(&p.diff);
            if let Some(r) = &p.skos {
                text.push('\n');
                text.push_str(&report_text(r));
            }
            text
        });
    }

    pub fn quality(&self, q: &QualityReport) {
        self.value(q, || {
            let mut text = format!(
                "version {}: {} nodes, {} finding(s)\n",
                q.version,
                q.nodes,
                q.findings.len()
            );
            for f in &q.findings {
                let check = serde_json::to_value(f.check).unwrap_or_default();
                text.push_str(&format!(
                    "  {}: {}\n",
                    check.as_str().unwrap_or("?"),
                    f.message
                ));
            }
            text.trim_end().to_string()
        });
    }
}

fn report_text(r: &ImportReport) -> String {
    let lang = if r.language.is_empty() {
        "untagged"
    } else {
        &r.language
    };
    let mut text = format!(
        "SKOS: {} concepts from {} statements, labels in {lang}; {} deprecated, {} unlabelled, {} statement(s) not placed",
        r.concepts,
        r.triples,
        r.deprecated.len(),
        r.unlabelled.len(),
        r.unplaced_total
    );
    for d in &r.deprecated {
        text.push_str(&format!("\n  deprecated: {}", d.key));
        if !d.replaced_by.is_empty() {
            text.push_str(&format!(" (replaced by {})", d.replaced_by.join(", ")));
        }
    }
    for u in r.unplaced.iter().take(UNPLACED_SHOWN) {
        text.push_str(&format!("\n  not placed: {} ({})", u.triple, u.reason));
    }
    if r.unplaced_total > UNPLACED_SHOWN {
        text.push_str(&format!(
            "\n  … and {} more (--json lists the first {})",
            r.unplaced_total - UNPLACED_SHOWN,
            r.unplaced.len()
        ));
    }
    text
}
