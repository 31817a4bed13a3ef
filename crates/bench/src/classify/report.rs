//! The "classify" section of docs/benchmarks.md, from the figures of one run.

use super::{Quality, Report};
use crate::Latency;

/// Thresholds of the risk–coverage curve shown (the run computes every 0.05).
const SHOWN: [f32; 11] = [0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0];
const CLASSIFY_TARGET_S: f64 = 120.0;
const QUEUE_TARGET_MS: f64 = 20.0;

fn ok(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "**missed**"
    }
}

fn opt(x: Option<f32>) -> String {
    x.map_or("–".into(), |v| format!("{v:.3}"))
}

fn lat(l: &Latency) -> String {
    l.describe(1)
}

impl Report {
    pub fn markdown(&self) -> String {
        let q = &self.quality;
        let m = &q.measured;
        let o = &q.outcome;
        let s = &self.scale;
        let r = &self.rule;
        let p = self.options.precision;
        let audit = 100.0 * dtrag_core::limits::AUDIT_SHARE_DEFAULT;
        let names: Vec<String> = self
            .category_labels
            .iter()
            .map(|(l, n)| format!("{l} ({n})"))
            .collect();
        let mut md = format!(
            "## Classification and review queue (WordNet 3.0, all-MiniLM-L6-v2)\n\n\
             `dtrag bench classify`; written by the benchmark itself, whole run {:.0} s \
             (release build, scratch database).\n\n\
             **Data.** {} categories picked from the WordNet 3.0 noun hierarchy: synsets {}–{} \
             edges below `entity` (shortest path) with {}–{} descendants, largest first, none \
             inside another — {}. They are imported with their ancestors ({} nodes in all, a DAG: \
             {} of them have two or more parents). Depth 3 would give WordNet's abstract upper \
             ontology (part, quality, state, property), which no document taxonomy uses. One \
             document per sampled descendant synset, its lemma and gloss (\"{}\"), up to {} per category: {} \
             documents, {} of them under two or more categories; the truth of a document is the picked \
             categories above its synset. {} ({:.0} %) are labelled by hand (imported with their \
             categories); all are embedded by the local model in Rust ({:.0} s, {:.0} chunks/s); \
             the classifier (target precision {p:.2}, audit share {audit:.0} %) classifies the other {}. \
             *Estimated* is the classifier's own 5-fold cross-validation on the labelled documents; \
             *measured* is what it wrote, graded against the truth of the unlabelled ones. A \
             suggestion is right only when it is one of the document's true categories (an \
             ancestor of one counts as wrong, as in the estimate).\n\n\
             | measure | estimated (held-out labels) | measured (unlabelled truth) | target | |\n\
             |---|---|---|---|---|\n\
             | top-1 accuracy | {:.3} | {:.3} | | |\n\
             | precision of auto-accepted suggestions | {} | {} ({} of {}) | ≥ {p:.2} | {} |\n\
             | HITL rate (share of documents sent to review) | {:.3} | {:.3} ({} of {}) | ≤ 0.30 | {} |\n\
             | calibration error (ECE, 10 bins, every suggestion) | {:.3} | {:.3} | | |\n\
             | auto-accept threshold (calibrated confidence) | {} | | | |\n\
             | auto-accepted documents; audit samples among them | | {}; {} | | |\n\
             | classify run (category texts embedded, calibration, {} documents) | | {:.1} s | | |\n",
            self.total_s,
            q.categories,
            r.min_depth,
            r.max_depth,
            r.min_size,
            r.max_size,
            names.join(", "),
            q.taxonomy_nodes,
            self.two_parents,
            self.example,
            self.options.documents.div_ceil(q.categories.max(1)),
            q.documents,
            q.multi_label,
            q.labelled,
            100.0 * q.labelled as f64 / q.documents.max(1) as f64,
            q.embed_s,
            q.embed_chunks_per_s,
            m.documents,
            o.top1_accuracy,
            m.top1_accuracy,
            opt(o.estimated_precision),
            opt(m.auto_precision),
            m.auto_right,
            m.auto_rows,
            ok(m.auto_precision.is_some_and(|x| x >= p)),
            o.estimated_hitl_rate,
            m.hitl_rate,
            m.queued_documents,
            m.documents,
            ok(m.hitl_rate <= 0.30),
            o.calibration_error,
            m.calibration_error,
            opt(o.threshold),
            m.auto_documents,
            m.audit_samples,
            m.documents,
            q.classify_s,
        );
        if let Some(n) = &o.notice {
            md += &format!("\nThe run's notice: {n}.\n");
        }
        md += "\nRisk–coverage curve: at each calibrated-confidence threshold, the share of \
               documents with a suggestion at or above it (coverage; 1 − HITL rate) and the share \
               of those suggestions that are right. *Estimated* is the run's held-out `curve`; \
               *measured* recomputes every unlabelled document's suggestions with the run's \
               stored calibration through the classifier's own functions (`score`, \
               `suggestions`, `Calibration::confidence`), because a run stores only the \
               auto-accepted suggestions of a confident document";
        md += &format!(
            " (the recomputed top suggestion equals the stored one for {} of {} documents).\n\n\
             | threshold | estimated coverage | estimated precision | measured coverage | measured precision |\n\
             |---|---|---|---|---|\n",
            m.recomputed_agree, m.documents
        );
        for c in q
            .curve
            .iter()
            .filter(|c| SHOWN.iter().any(|t| (t - c.threshold).abs() < 1e-4))
        {
            md += &format!(
                "| {:.2} | {:.3} | {:.3} | {:.3} | {:.3} |\n",
                c.threshold, c.estimated_coverage, c.estimated_precision, c.coverage, c.precision
            );
        }
        md += &self.level_markdown();
        let rss = match (s.peak_rss_mb, s.rss_before_mb) {
            (Some(peak), Some(before)) if s.peak_rss_reset => {
                format!("{peak:.0} MB (VmHWM reset just before; RSS before {before:.0} MB)")
            }
            (Some(peak), _) => format!("{peak:.0} MB (process peak; VmHWM could not be reset)"),
            _ => "not available".into(),
        };
        md += &format!(
            "\n**Throughput.** {} documents whose vectors are *not* embedded: each is a copy of \
             one of the {} real gloss vectors above plus Gaussian noise of norm {:.2}, \
             re-normalised (mean cosine to its real vector {:.3}), inserted straight into \
             `chunk_embedding` for the registered model (embedding 100k glosses would take \
             ~40 min on these two cores). The figures are about speed; quality at this scale \
             is not meaningful (copies of a labelled document sit next to it).\n\n\
             | measure | figure | target | |\n|---|---|---|---|\n\
             | classify {} documents (one run, `unreviewed`, target precision {p:.2}) | {:.1} s, {:.0} documents/s | ≤ {CLASSIFY_TARGET_S:.0} s | {} |\n\
             | what it wrote | {} auto-accepted rows, {} queued, {} audit samples | | |\n\
             | peak RSS of the process during the run | {} | | |\n\
             | setup, not timed for the target: ingest; vectors + `VACUUM ANALYZE` | {:.0} s; {:.0} s | | |\n",
            s.documents,
            s.source_vectors,
            s.noise_norm,
            s.mean_cosine,
            s.classify.documents,
            s.classify_s,
            s.documents_per_s,
            ok(s.classify_s <= CLASSIFY_TARGET_S),
            s.classify.auto_accepted,
            s.classify.queued,
            s.classify.audit_samples,
            rss,
            s.ingest_s,
            s.vectors_s,
        );
        md += &self.queue_markdown();
        md
    }

    /// The comparison at fewer categories, and what the quality figures say about the targets.
    fn level_markdown(&self) -> String {
        let p = self.options.precision;
        let row = |q: &Quality| {
            let (o, m) = (&q.outcome, &q.measured);
            format!(
                "| {} | {} ({} labelled, ~{} per category) | {:.3} / {:.3} | {} / {} | {:.3} / {:.3} | {} |\n",
                q.categories,
                q.documents,
                q.labelled,
                q.labelled / q.categories.max(1),
                o.top1_accuracy,
                m.top1_accuracy,
                opt(o.estimated_precision),
                opt(m.auto_precision),
                o.estimated_hitl_rate,
                m.hitl_rate,
                opt(o.threshold),
            )
        };
        let mut md = String::new();
        if !self.compare.is_empty() {
            md += &format!(
                "\nOther levels: the same measurement with fewer labelled documents per category \
                 and with a finer taxonomy (the largest picks of the same rule; their own sampled \
                 documents, the same labelled share {:.0} % and target), each in a scratch \
                 database of its own. Each cell is estimated / measured; the first row is the run \
                 above.\n\n\
                 | categories | documents | top-1 accuracy | auto-accepted precision | HITL rate | threshold |\n\
                 |---|---|---|---|---|---|\n{}",
                100.0 * self.options.labelled_share,
                row(&self.quality)
            );
            for c in &self.compare {
                md += &row(c);
            }
        }
        let (o, m) = (&self.quality.outcome, &self.quality.measured);
        let precision_met = m.auto_precision.is_some_and(|x| x >= p);
        let hitl_met = m.hitl_rate <= 0.30;
        if precision_met && hitl_met {
            md += "\nBoth quality targets are met on this data.\n";
            return md;
        }
        let gap_p = match (o.estimated_precision, m.auto_precision) {
            (Some(e), Some(x)) => (e - x).abs(),
            _ => f32::INFINITY,
        };
        let gap_h = (o.estimated_hitl_rate - m.hitl_rate).abs();
        let tracking = if gap_p <= 0.05 && gap_h <= 0.05 {
            format!(
                "The classifier's own estimates track the truth (within {:.3} on precision and \
                 {:.3} on the HITL rate; calibration error {:.3} measured), so it is honest about \
                 what it cannot do: the miss is how separable these categories are with this \
                 model and these labels (top-1 accuracy {:.3}), not the calibration.",
                gap_p, gap_h, m.calibration_error, m.top1_accuracy
            )
        } else {
            format!(
                "The classifier's estimates are off the truth by {gap_p:.3} on precision and \
                 {gap_h:.3} on the HITL rate: the calibration does not carry over from the \
                 labelled to the unlabelled documents here."
            )
        };
        md += &format!(
            "\n**Targets.** Precision of auto-accepted suggestions ≥ {p:.2}: {} ({}); HITL rate \
             ≤ 0.30: {} ({:.3}). {tracking} What would help: more labelled documents per \
             category (the neighbour vote and the calibration both sharpen with them), fewer \
             and broader categories (the comparison above), or a stronger embedding model; on \
             this data a lower target precision buys coverage along the curve above.\n",
            ok(precision_met),
            opt(m.auto_precision),
            ok(hitl_met),
            m.hitl_rate,
        );
        md
    }

    fn queue_markdown(&self) -> String {
        let s = &self.scale;
        let qu = &self.queue;
        let mut md = format!(
            "\n**Queue.** Every unlabelled document re-classified (`all`) at precision 1.0 — no \
             threshold can promise it, so each waits for a person — in {:.1} s ({} documents, \
             {} queued), then `VACUUM ANALYZE` (what autovacuum does within a minute of such a rewrite; \
             pages timed before it settles were 7–90 ms from run to run): {} open items. Pages are 50 items, pages 1–10 in turn; \
             `next` leases 5 (with paths, as the focus view asks) and each is followed by a \
             decision accepting the first item's top suggestion, as a reviewer works. A page \
             counts the items matching its filter up to {} past itself (`total_exact` says \
             when there are more); the figures below are the exact counts.\n\n\
             | measure | items matched | latency | target | |\n|---|---|---|---|---|\n",
            s.reclassify_s,
            s.reclassify.documents,
            s.reclassify.queued,
            qu.open_items,
            dtrag_core::review::queue::COUNT_AHEAD
        );
        for p in &qu.pages {
            md += &format!(
                "| page, {} | {} | {} | p95 ≤ {QUEUE_TARGET_MS:.0} ms | {} |\n",
                p.what,
                p.total,
                lat(&p.latency),
                ok(p.latency.p95_ms <= QUEUE_TARGET_MS)
            );
        }
        md += &format!(
            "| next (lease 5) | | {} | | |\n\
             | decide (accept top), {} decisions | | {} | p95 ≤ {QUEUE_TARGET_MS:.0} ms | {} |\n\
             | stats (queue metrics) | | {} | | |\n",
            lat(&qu.next),
            qu.decided,
            lat(&qu.decide),
            ok(qu.decide.p95_ms <= QUEUE_TARGET_MS),
            lat(&qu.stats),
        );
        md
    }
}
