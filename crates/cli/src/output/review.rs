//! Printing classification runs, the review queue, decisions and metrics.

use dtrag_api::types::{
    BulkOutcome, ClassifyOutcome, DecisionOutcome, RecentDecision, ReviewItem, ReviewPage,
    ReviewStats,
};

use super::{thousands, Out};

fn pct(x: f32) -> String {
    format!("{:.1} %", x * 100.0)
}

fn opt_pct(x: Option<f32>) -> String {
    x.map(pct).unwrap_or_else(|| "-".into())
}

impl Out {
    pub fn classified(&self, o: &ClassifyOutcome) {
        let summary = serde_json::json!({
            "documents": o.documents,
            "auto_accepted": o.auto_accepted,
            "queued": o.queued,
            "threshold": o.threshold,
            "estimated_precision": o.estimated_precision,
            "run": o,
        });
        self.value(&summary, || {
            let mut s = format!(
                "classified {} documents with {} in {:.1} s: {} auto-accepted ({} classifications), \
                 {} to review ({} audit samples)\n",
                thousands(o.documents),
                o.model,
                o.elapsed_ms / 1e3,
                thousands(o.auto_accepted_documents),
                thousands(o.auto_accepted),
                thousands(o.queued),
                o.audit_samples
            );
            s += &format!(
                "calibrated on {} labelled documents: threshold {}, estimated precision {}, \
                 HITL rate {}, top-1 accuracy {}, calibration error {:.3}",
                thousands(o.labelled),
                o.threshold
                    .map(|t| format!("{t:.3}"))
                    .unwrap_or_else(|| "-".into()),
                opt_pct(o.estimated_precision),
                pct(o.estimated_hitl_rate),
                pct(o.top1_accuracy),
                o.calibration_error
            );
            if o.without_vectors > 0 {
                s += &format!(
                    "\n{} documents have no vectors from {} yet (run `dtrag embed`)",
                    o.without_vectors, o.model
                );
            }
            if let Some(n) = &o.notice {
                s += &format!("\nnote: {n}");
            }
            s
        });
    }

    pub fn review_page(&self, p: &ReviewPage) {
        let json = serde_json::json!({
            "total": p.total,
            "total_exact": p.total_exact,
            "items": p.items.iter().map(|i| serde_json::json!({
                "id": i.id,
                "document": i.document,
                "title": i.title,
                "reason": i.reason,
                "suggestions": i.suggestions.iter().map(|s| serde_json::json!({
                    "category": s.category,
                    "confidence": s.confidence,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        self.value(&json, || {
            if p.items.is_empty() {
                return format!("no open items match ({} in all)", p.total);
            }
            let more = if p.total_exact { "" } else { "+" };
            let mut s = format!(
                "{}{more} open items match; showing {}:\n",
                p.total,
                p.items.len()
            );
            for i in &p.items {
                let sugg: Vec<String> = i
                    .suggestions
                    .iter()
                    .map(|x| format!("{} {:.2}", x.category, x.confidence))
                    .collect();
                s += &format!(
                    "{:>7}  {:<16} {:<28} {}\n",
                    i.id,
                    serde_json::to_value(i.reason)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    truncate(&i.title, 28),
                    sugg.join(" | ")
                );
            }
            s.trim_end().to_string()
        });
    }

    pub fn review_item(&self, i: &ReviewItem) {
        self.value(i, || {
            let mut s = format!(
                "item {} ({:?}, {}): {} [{}]\n{}\n",
                i.id,
                i.reason,
                i.status,
                i.title,
                i.document,
                truncate(&i.excerpt, 400)
            );
            if !i.current.is_empty() {
                s += &format!("classified under: {}\n", i.current.join(", "));
            }
            for (n, x) in i.suggestions.iter().enumerate() {
                let why = match (x.vote, x.text_similarity) {
                    (Some(v), Some(t)) => format!(" (neighbours {:.0} %, text {t:.2})", v * 100.0),
                    _ => format!(" ({})", x.method),
                };
                s += &format!(
                    "{}. {} [{}] {:.2}{why}\n",
                    n + 1,
                    x.label,
                    x.category,
                    x.confidence
                );
                for p in &x.paths {
                    s += &format!("     {}\n", p.join(" > "));
                }
            }
            s.trim_end().to_string()
        });
    }

    pub fn decided(&self, d: &DecisionOutcome) {
        self.value(d, || {
            format!(
                "item {}: {} (decision {}); accepted: {}; rejected: {}",
                d.item,
                d.action,
                d.decision_id,
                if d.accepted.is_empty() {
                    "-".into()
                } else {
                    d.accepted.join(", ")
                },
                if d.rejected.is_empty() {
                    "-".into()
                } else {
                    d.rejected.join(", ")
                }
            )
        });
    }

    pub fn bulk(&self, b: &BulkOutcome) {
        self.value(b, || {
            if b.dry_run {
                format!(
                    "dry run: {} items match ({} below the floor {:.2}); nothing written",
                    b.matched, b.below_floor, b.floor
                )
            } else {
                format!("accepted the top suggestion of {} items", b.accepted)
            }
        });
    }

    pub fn recent(&self, r: &[RecentDecision]) {
        self.value(&r, || {
            if r.is_empty() {
                return "no decisions of yours to undo".into();
            }
            r.iter()
                .map(|d| {
                    format!(
                        "{:>7}  {}  item {:<7} {:<9} {} -> {}",
                        d.decision_id,
                        d.at.format("%H:%M:%S"),
                        d.item,
                        d.action,
                        truncate(&d.title, 30),
                        d.accepted.join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    }

    pub fn review_stats(&self, s: &ReviewStats) {
        self.value(s, || {
            let by: Vec<String> = s
                .pending_by_reason
                .iter()
                .map(|r| format!("{} {}", r.reason, r.count))
                .collect();
            let mut out = format!(
                "pending {} ({})\ndecided today {}, in all {}\nHITL rate {} ({} of {} classified documents sent to people)\n",
                s.pending,
                if by.is_empty() { "-".into() } else { by.join(", ") },
                s.decided_today,
                s.decided_total,
                opt_pct(s.hitl_rate),
                s.queued_documents,
                s.classified_documents
            );
            out += &format!(
                "auto-accept precision: measured {} on {} audit samples",
                opt_pct(s.measured_precision),
                s.audit_decided
            );
            if let Some(r) = &s.last_run {
                out += &format!(
                    ", estimated {} (run {}, target {}, threshold {})",
                    opt_pct(r.estimated_precision),
                    r.run,
                    pct(r.target_precision),
                    r.threshold.map(|t| format!("{t:.3}")).unwrap_or_else(|| "-".into())
                );
            }
            out
        });
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}
