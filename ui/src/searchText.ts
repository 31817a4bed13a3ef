// What the search view says about a result: why a hit is there, how the vectors were read, the
// timings, and why vector search cannot run yet.
import type { FusionReport, Hit, KnnPlan, Mode, Model, Timings } from "./bindings";
import { formatMs } from "./format";

export const MODES: { id: Mode; label: string }[] = [
  { id: "hybrid", label: "Hybrid" },
  { id: "bm25", label: "BM25" },
  { id: "vector", label: "Vector" },
];

export const SCORE_TITLES: Record<Mode, string> = {
  hybrid: "fused score (each side’s weight × its normalised score, summed)",
  bm25: "BM25 score",
  vector: "1 − cosine distance",
};

/**
 * "BM25 #3 (score 4.21) · vector #1 (distance 0.312)"; in hybrid mode each side also says what
 * fusion made of it: "BM25 #3 (score 4.21, normalised 0.0159 × weight 0.25)". A retriever that
 * did not list the hit: "BM25 — not in top 50".
 */
export function explainHit(hit: Hit, mode: Mode, candidates: number): string {
  const fused = (s: { normalized: number; weight: number }) =>
    mode === "hybrid" ? `, normalised ${Number(s.normalized.toPrecision(3))} × weight ${Number(s.weight.toPrecision(2))}` : "";
  const parts: string[] = [];
  if (mode !== "vector") {
    parts.push(
      hit.bm25 ? `BM25 #${hit.bm25.rank} (score ${hit.bm25.score.toFixed(2)}${fused(hit.bm25)})` : `BM25 — not in top ${candidates}`,
    );
  }
  if (mode !== "bm25") {
    parts.push(
      hit.vector
        ? `vector #${hit.vector.rank} (distance ${hit.vector.distance.toFixed(3)}${fused(hit.vector)})`
        : `vector — not in top ${candidates}`,
    );
  }
  return parts.join(" · ");
}

/** "z-score + lexical evidence 0.67, distinctness 0.41 · weights 0.9 : 0.1 (tuned)": how a hybrid search fused its lists. */
export function describeFusion(f: FusionReport): string {
  const method = { rrf: "RRF", minmax: "min-max", zscore: "z-score" }[f.fusion.method];
  const evidence = f.fusion.evidence
    ? ` + lexical evidence ${f.lexical_evidence.toFixed(2)}, distinctness ${f.lexical_distinctness.toFixed(2)}`
    : "";
  const w = (x: number) => Number(x.toPrecision(2));
  return `${method}${evidence} · weights ${w(f.bm25_weight)} : ${w(f.vector_weight)}${f.tuned ? " (tuned)" : ""}`;
}

export function planLabel(plan: KnnPlan): string {
  switch (plan) {
    case "hnsw":
      return "HNSW";
    case "exact":
      return "exact";
    case "exact_in_scope":
      return "exact in scope";
  }
}

/** "total 12 ms (scope 0.4 ms · embed 3.1 ms · BM25 4.2 ms · vector 2 ms)". */
export function describeTimings(t: Timings): string {
  return (
    `total ${formatMs(t.total_ms)} (scope ${formatMs(t.scope_ms)} · embed ${formatMs(t.embed_ms)} · ` +
    `BM25 ${formatMs(t.bm25_ms)} · vector ${formatMs(t.vector_ms)})`
  );
}

/** Why vector and hybrid search cannot run yet (null: they can), for the mode buttons' tooltip. */
export function vectorUnavailable(models: readonly Model[] | null): string | null {
  if (models === null) return null;
  if (models.length === 0) return "No embeddings yet: run `dtrag embed` to search by meaning";
  const m = models.find((x) => x.is_default);
  if (!m) return "No default embedding model: set one with `dtrag models default`";
  if (m.embedded === 0 && m.chunks > 0) return `Model ${m.name} has no vectors yet: run \`dtrag embed\``;
  return null;
}
