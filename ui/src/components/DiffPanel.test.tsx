import { beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import type { Diff, Version } from "../bindings";
import * as api from "../api";
import { extraText } from "../diffView";
import { emptyDiff } from "../test/fixtures";
import { DiffPanel } from "./DiffPanel";

vi.mock("../api", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../api")>();
  return { ...actual, diffVersions: vi.fn() };
});

const m = vi.mocked(api);

const VERSIONS: Version[] = [1, 2].map((v) => ({
  version: v,
  parent_version: v - 1,
  created_at: "2026-01-01T00:00:00Z",
  author: "t",
  message: `v${v}`,
  kind: "import",
  restored_from: null,
}));

const SKOS = "http://www.w3.org/2004/02/skos/core#";

// Only the kept SKOS statements of "science" changed: a notation and a German label.
const EXTRAS_ONLY: Diff = {
  ...emptyDiff(1, 2),
  summary: { added: 0, removed: 0, renamed: 0, moved: 0, edited: 1 },
  edited: [
    {
      key: "science",
      label: "Science",
      before: { description: "Knowledge.", alt_labels: [], extras: [{ property: `${SKOS}notation`, object: { literal: { value: "S" } } }] },
      after: { description: "Knowledge.", alt_labels: [] },
      description_diff: [],
      extras_removed: [{ property: `${SKOS}notation`, object: { literal: { value: "S" } } }],
      extras_added: [
        { property: `${SKOS}notation`, object: { literal: { value: "S1" } } },
        { property: `${SKOS}prefLabel`, object: { literal: { value: "Wissenschaft", lang: "de" } } },
      ],
    },
  ],
  deprecated: [{ key: "ether", before: null, after: [] }],
};

beforeEach(() => {
  vi.clearAllMocks();
  m.diffVersions.mockResolvedValue(EXTRAS_ONLY);
});

describe("DiffPanel", () => {
  it("shows an edit of only the kept SKOS statements, each removed and added one", async () => {
    render(<DiffPanel versions={VERSIONS} selected={1} head={2} onDiff={() => {}} onSelectKey={() => {}} />);
    const change = await screen.findByTestId("extras-change");
    expect(m.diffVersions).toHaveBeenCalledWith(1, 2);
    const entry = screen.getByTestId("diff-edited");
    expect(within(entry).getByText("Science")).toBeTruthy();
    expect(change.querySelectorAll("del")[0].textContent).toBe('skos:notation "S"');
    expect([...change.querySelectorAll("ins")].map((e) => e.textContent)).toEqual([
      'skos:notation "S1"',
      'skos:prefLabel "Wissenschaft"@de',
    ]);
    // Neither a word diff nor an alternative-label change is claimed.
    expect(screen.queryByTestId("word-diff")).toBeNull();
    expect(screen.queryByTestId("alt-change")).toBeNull();
    // Deprecated concepts are listed apart (they are not nodes).
    await waitFor(() => expect(screen.getByTestId("deprecated-entry").textContent).toContain("ether: deprecated"));
  });

  it("lists a diff of only deprecated concepts instead of 'no changes'", async () => {
    m.diffVersions.mockResolvedValue({ ...emptyDiff(1, 2), deprecated: [{ key: "ether", before: [], after: null }] });
    render(<DiffPanel versions={VERSIONS} selected={1} head={2} onDiff={() => {}} onSelectKey={() => {}} />);
    expect((await screen.findByTestId("deprecated-entry")).textContent).toContain("no longer deprecated");
  });

  it("writes IRIs, typed literals and other namespaces of a statement", () => {
    expect(extraText({ property: `${SKOS}exactMatch`, object: { iri: "http://www.wikidata.org/entity/Q413" } })).toBe(
      "skos:exactMatch <http://www.wikidata.org/entity/Q413>",
    );
    expect(
      extraText({
        property: "http://purl.org/dc/terms/created",
        object: { literal: { value: "2024-01-02", datatype: "http://www.w3.org/2001/XMLSchema#date" } },
      }),
    ).toBe('dct:created "2024-01-02"^^<http://www.w3.org/2001/XMLSchema#date>');
  });
});
