import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { Diff, ImportPreview } from "../bindings";
import { ImportForm, isSkosPath } from "./ImportForm";

const DIFF: Diff = {
  from: 1,
  to: 2,
  summary: { added: 1, removed: 0, renamed: 0, moved: 0, edited: 0 },
  added: [{ key: "science", label: "Science", alt_labels: [], description: "", parents: [] }],
  removed: [],
  renamed: [],
  moved: [],
  edited: [],
  impact: { sent_to_review: 0, carried_by_merge: 0, split_items: 0, restored: 0, entries: [] },
  agent_scopes: [],
};

const PREVIEW: ImportPreview = {
  diff: DIFF,
  skos: {
    language: "en",
    triples: 12,
    concepts: 1,
    deprecated: [{ key: "ether", replaced_by: ["physics"] }],
    unlabelled: [],
    unplaced: [{ triple: "<x> <y> <z> .", reason: "the subject is not a skos:Concept of the file" }],
    unplaced_total: 1,
  },
};

describe("ImportForm", () => {
  it("knows SKOS files by extension", () => {
    expect(isSkosPath("/a/b.ttl")).toBe(true);
    expect(isSkosPath("/a/b.JSONLD")).toBe(true);
    expect(isSkosPath("/a/b.jsonl")).toBe(false);
  });

  it("previews a SKOS file with its namespace and language before importing it", async () => {
    const onPreview = vi.fn().mockResolvedValue(PREVIEW);
    const onImport = vi.fn().mockResolvedValue(null);
    render(<ImportForm disabled={false} onImport={onImport} onPreview={onPreview} />);
    // The SKOS fields appear only for SKOS files.
    expect(screen.queryByTestId("import-base")).toBeNull();
    fireEvent.change(screen.getByTestId("import-path"), { target: { value: "/data/tax.ttl" } });
    fireEvent.change(screen.getByTestId("import-base"), { target: { value: "http://example.org/" } });
    fireEvent.change(screen.getByTestId("import-lang"), { target: { value: "en-GB" } });
    fireEvent.click(screen.getByTestId("import-preview-button"));
    await waitFor(() => expect(screen.getByTestId("import-preview").textContent).toContain("1 added"));
    expect(onPreview).toHaveBeenCalledWith("/data/tax.ttl", { base: "http://example.org/", lang: "en-GB" });
    expect(screen.getByTestId("import-skos-report").textContent).toContain("deprecated: ether (replaced by physics");
    expect(screen.getByTestId("import-unplaced").textContent).toContain("not a skos:Concept");
    expect(onImport).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("import-button"));
    await waitFor(() => expect(onImport).toHaveBeenCalledWith("/data/tax.ttl", "import /data/tax.ttl", { base: "http://example.org/", lang: "en-GB" }));
  });
});
