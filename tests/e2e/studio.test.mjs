// DT-RAG Studio end to end: the real app (target/debug/dtrag-studio) in a real window (Xvfb),
// driven through tauri-driver + WebKitWebDriver, on its own embedded PostgreSQL in a fresh data
// directory (the app loads the 27-node sample taxonomy there as version 1, and 46 sample
// documents, 12 of them unlabelled: the classifier's first run sends those 12 to review).
//
// One app session for the whole file; the steps build on each other in this order:
//   browse -> find -> edit + publish (v2) -> cycle refused (picker, then drag and drop; no version)
//   -> switch to v1 (read-only) -> diff v1 -> v2 -> rollback to v1 (v3) -> history
//   -> review (lib/review-steps.mjs: decisions by keyboard checked with the CLI, the tree's
//      counts, a delete's impact in the draft preview)
//   -> search (the sample documents a new database starts with, plus documents added with the CLI,
//      which embeds them: BM25, a category scope, then hybrid with both signals)
//   -> agents (lib/agents-steps.mjs: one created from the tree's selection and the picker, its
//      playground checked against `dtrag search --agent`, a login issued and revoked, removed)
//   -> health (a backup from the Connection view, then the Health panel shows it) -> close.
// A step whose prerequisite failed is skipped (with the reason) instead of failing confusingly.
// Run with scripts/e2e.sh (it starts Xvfb and tauri-driver and sets the environment).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  Key,
  ROOT,
  activeTab,
  appPids,
  cli,
  cliText,
  clickRow,
  countOf,
  dragRowOnto,
  env,
  expandPath,
  failureShot,
  gone,
  inPage,
  isDisabled,
  openStudio,
  replaceText,
  rowAt,
  rowKeys,
  rowLabel,
  rowSel,
  screenshot,
  selectValue,
  selectedKeys,
  selectedRowIds,
  shown,
  textOf,
  tid,
  waitFor,
  waitForText,
} from "./lib/studio.mjs";
import { reviewSteps } from "./lib/review-steps.mjs";
import { agentsSteps } from "./lib/agents-steps.mjs";

const PG_PATH = ["knowledge", "tech", "tech.db", "tech.db.postgres", "tech.db.pgvector"];
const VECTOR_PATH = ["knowledge", "tech", "tech.search", "tech.search.vector", "tech.db.pgvector"];
const RENAMED = { key: "tech.db", before: "Databases", after: "Database systems" };
const PUBLISH_MESSAGE = "Rename Databases to Database systems (e2e)";
const ROLLBACK_MESSAGE = "Restore version 1 (e2e)";

/** Documents for the search steps, classified under sample categories (`dtrag docs add`). */
const DOCS = [
  {
    id: "pg-indexes",
    title: "PostgreSQL indexes",
    text: "PostgreSQL builds a B-tree index by default. An index speeds up queries that filter on a column.",
    categories: ["tech.db.postgres"],
  },
  {
    id: "pgvector-hnsw",
    title: "HNSW in pgvector",
    text: "pgvector adds an HNSW index for approximate nearest neighbour search over embeddings stored in PostgreSQL.",
    categories: ["tech.db.pgvector"],
  },
  {
    id: "bm25-ranking",
    title: "BM25 ranking",
    text: "BM25 ranks documents by term frequency and inverse document frequency. An inverted index lists the postings of each term.",
    categories: ["tech.search.bm25"],
  },
  {
    id: "support-refunds",
    title: "Refund requests",
    text: "Customer support answers refund requests within five days, after looking up past tickets in the index.",
    categories: ["business.support"],
  },
  {
    id: "graph-colouring",
    title: "Graph colouring",
    text: "A graph colouring gives adjacent vertices different colours; the chromatic number is the fewest colours needed.",
    categories: ["science.math.graphs"],
  },
];

/** @type {WebdriverIO.Browser | null} */
let browser = null;
const passed = new Set();

/**
 * One step of the story. `needs` are ids of earlier steps; when one of them did not pass, this step
 * is skipped. A failing step leaves a screenshot in target/e2e-artifacts (scripts/e2e.sh).
 */
function step(id, title, needs, fn, { timeout = 90_000, todo } = {}) {
  it(title, { timeout, todo }, async (t) => {
    const missing = needs.filter((n) => !passed.has(n));
    if (missing.length > 0) {
      t.skip(`needs the step(s) that did not pass: ${missing.join(", ")}`);
      return;
    }
    try {
      await fn(t);
    } catch (e) {
      const file = todo ? null : await failureShot(browser, id);
      if (file) t.diagnostic(`screenshot of the failure: ${file}`);
      throw e;
    }
    passed.add(id);
  });
}

/** Version numbers in the toolbar's version picker, newest first. */
function versionOptions() {
  return inPage(browser, () => [...document.querySelectorAll('[data-testid="version-select"] option')].map((o) => o.value));
}

function cliVersions() {
  return cli("taxonomy", "versions");
}

/** Back to a neutral screen between steps: no dialog, no error banner. */
async function settle() {
  if (!browser) return;
  for (const id of ["rollback-close", "rollback-cancel", "confirm-cancel", "picker-cancel", "agent-new-cancel"]) {
    const b = await browser.$(tid(id));
    if ((await b.isExisting()) && (await b.isDisplayed())) await b.click();
  }
  await gone(browser, tid("rollback-dialog"));
  const dismiss = await browser.$(tid("error-dismiss"));
  if (await dismiss.isExisting()) {
    await dismiss.click();
    await gone(browser, tid("error-banner"));
  }
}

describe("DT-RAG Studio (desktop app, end to end)", { concurrency: 1 }, () => {
  before(
    async () => {
      browser = await openStudio();
    },
    { timeout: 180_000 },
  );

  after(async () => {
    if (browser) {
      try {
        await browser.deleteSession();
      } catch {
        /* the app may already be gone (the last step closes it) */
      }
    }
  });

  beforeEach(async () => {
    if (passed.has("close")) return;
    await settle();
  });

  step("start", "starts on a fresh embedded database with the sample taxonomy as version 1", [], async () => {
    // First start: initdb, migrations, sample import — allow for a slow machine.
    const root = await shown(browser, rowSel("knowledge"), 120_000);
    assert.equal(await rowLabel(browser, "knowledge"), "Knowledge");
    assert.equal(await root.getAttribute("aria-expanded"), "false");
    assert.deepEqual(await rowKeys(browser), ["knowledge"], "only the root is shown at first");
    await waitForText(browser, tid("status-head"), "head v1");
    await waitForText(browser, tid("connection-indicator"), /Embedded: connected/);
    assert.deepEqual(await versionOptions(), ["1", "0"]);
    const versions = cliVersions();
    assert.deepEqual(
      versions.map((v) => [v.version, v.kind]),
      [
        [0, "init"],
        [1, "import"],
      ],
    );
    assert.equal(cliText("taxonomy", "export").trim().split("\n").length, 27);
  }, { timeout: 180_000 });

  step("browse", "browse: keyboard navigation, and pgvector under both of its parents", ["start"], async () => {
    // Keyboard: select the root, ArrowRight expands it.
    await clickRow(browser, rowSel("knowledge"));
    await browser.keys([Key.ArrowRight]);
    await shown(browser, rowSel("tech"));
    assert.equal(await (await browser.$(rowSel("knowledge"))).getAttribute("aria-expanded"), "true");
    assert.deepEqual(await rowKeys(browser), ["knowledge", "business", "humanities", "science", "tech"], "children ordered by label");
    assert.equal(await rowLabel(browser, "tech"), "Technology");

    // ArrowDown moves to the first child; ArrowRight expands it, again moves into it.
    await browser.keys([Key.ArrowDown]);
    await waitFor(browser, () => selectedKeys(browser), ["business"], { what: "the selection after ArrowDown" });
    await browser.keys([Key.ArrowRight]);
    await shown(browser, rowSel("business.support"));
    await browser.keys([Key.ArrowRight]);
    await waitFor(browser, () => selectedKeys(browser), ["business.support"], { what: "the selection after ArrowRight into Business" });
    assert.equal(await rowLabel(browser, "business.support"), "Customer support");
    // ArrowLeft on a leaf goes to the parent; on an expanded row it collapses it.
    await browser.keys([Key.ArrowLeft]);
    await waitFor(browser, () => selectedKeys(browser), ["business"], { what: "the selection after ArrowLeft" });
    await browser.keys([Key.ArrowLeft]);
    await gone(browser, rowSel("business.support"));
    assert.equal(await (await browser.$(rowSel("business"))).getAttribute("aria-expanded"), "false");

    // Enter opens the details (from another tab, it switches back to Details).
    await (await browser.$(tid("tab-draft"))).click();
    await waitFor(browser, () => activeTab(browser), "draft", { what: "the active tab" });
    await clickRow(browser, rowSel("business"));
    await browser.keys([Key.Enter]);
    await waitFor(browser, () => activeTab(browser), "details", { what: "the active tab after Enter" });
    await waitForText(browser, tid("details-label"), "Business");
    assert.equal(await textOf(browser, tid("details-key")), "business");

    // pgvector has two parents: it appears under PostgreSQL and under Vector search, marked.
    await expandPath(browser, PG_PATH);
    await expandPath(browser, VECTOR_PATH);
    const ids = await inPage(browser, (sel) => [...document.querySelectorAll(sel)].map((e) => e.getAttribute("data-row-id")), rowSel("tech.db.pgvector"));
    assert.deepEqual(
      ids.map((id) => id.split("\u001f")).sort(),
      [PG_PATH, VECTOR_PATH].sort(),
      "one row of pgvector under each expanded parent",
    );
    for (const p of [PG_PATH, VECTOR_PATH]) {
      assert.equal(await rowLabel(browser, p), "pgvector");
      const mark = await browser.$(`${rowAt(p)} ${tid("multi-parent")}`);
      assert.ok(await mark.isDisplayed(), `multi-parent mark shown on ${p.join(" > ")}`);
      assert.equal(await textOf(browser, mark), "⋔ 2");
      assert.match(await mark.getAttribute("title"), /^2 parents/);
    }
    // A single-parent node has no mark.
    assert.equal(await countOf(browser, `${rowSel("tech.db.postgres")} ${tid("multi-parent")}`), 0);

    // Select pgvector under PostgreSQL with the keyboard and open it with Enter.
    await clickRow(browser, rowAt(PG_PATH.slice(0, -1)));
    await browser.keys([Key.ArrowRight]);
    await waitFor(browser, () => selectedRowIds(browser), [PG_PATH.join("\u001f")], { what: "pgvector under PostgreSQL selected" });
    await browser.keys([Key.Enter]);
    await waitForText(browser, tid("details-label"), "pgvector");
    assert.equal(await textOf(browser, tid("details-key")), "tech.db.pgvector");
    const parents = await inPage(browser, () => [...document.querySelectorAll('[data-testid="details-parent"]')].map((e) => e.getAttribute("data-key")));
    assert.deepEqual(parents.sort(), ["tech.db.postgres", "tech.search.vector"]);
    // Every path to a root, as the library computes it.
    const shownPaths = await inPage(browser, () =>
      [...document.querySelectorAll('[data-testid="details-paths"] li')].map((li) => li.textContent.replace(/\s+/g, " ").trim()),
    );
    const expected = cli("taxonomy", "show", "tech.db.pgvector").paths.map((p) => p.join(" › "));
    assert.equal(expected.length, 3);
    assert.deepEqual([...shownPaths].sort(), [...expected].sort());
    await screenshot(browser, "tree-details");
  });

  step("find", "find: hits for the typed text; picking one reveals it in the tree and opens it", ["start"], async () => {
    await replaceText(browser, tid("find-input"), "graph");
    await shown(browser, tid("find-input-hits"));
    await shown(browser, `${tid("find-hit")}[data-key="science.math.graphs"]`);
    const hit = await browser.$(`${tid("find-hit")}[data-key="science.math.graphs"]`);
    assert.match(await textOf(browser, hit), /Graph theory/);
    assert.equal(await rowKeys(browser).then((k) => k.includes("science.math.graphs")), false, "not in the tree before picking");
    await hit.click();
    await gone(browser, tid("find-input-hits"));
    await shown(browser, rowSel("science.math.graphs"));
    await waitFor(browser, () => selectedKeys(browser), ["science.math.graphs"], { what: "the picked node selected in the tree" });
    await waitForText(browser, tid("details-label"), "Graph theory");
    assert.equal(await activeTab(browser), "details");
    assert.deepEqual(
      (await inPage(browser, () => [...document.querySelectorAll('[data-testid="tree-row"][aria-expanded="true"]')].map((e) => e.getAttribute("data-key")))).filter((k) =>
        k.startsWith("science"),
      ),
      ["science", "science.math"],
      "its ancestors were expanded",
    );

    // The keyboard works in the hit list too: Enter picks the active (first) hit.
    await replaceText(browser, tid("find-input"), "Postgres");
    await shown(browser, `${tid("find-hit")}[aria-selected="true"]`);
    const first = await (await browser.$(`${tid("find-hit")}[aria-selected="true"]`)).getAttribute("data-key");
    assert.equal(first, "tech.db.postgres", "the alternative label finds PostgreSQL first");
    await browser.keys([Key.Enter]);
    await gone(browser, tid("find-input-hits"));
    await waitForText(browser, tid("details-label"), "PostgreSQL");
    await waitFor(browser, () => selectedKeys(browser), ["tech.db.postgres"], { what: "PostgreSQL selected in the tree" });
    await replaceText(browser, tid("find-input"), "");
  });

  step("publish", "edit + publish: F2 rename goes into the draft; publishing creates version 2", ["start"], async () => {
    await expandPath(browser, ["knowledge", "tech", RENAMED.key]);
    await clickRow(browser, rowSel(RENAMED.key));
    await browser.keys([Key.F2]);
    const input = await shown(browser, tid("rename-input"));
    assert.equal(await input.getValue(), RENAMED.before);
    await browser.keys([Key.Ctrl, "a"]);
    await input.addValue(RENAMED.after);
    await waitFor(browser, () => input.getValue(), RENAMED.after, { what: "the rename input" });
    await input.addValue(Key.Enter);
    await gone(browser, tid("rename-input"));

    // Pending in the tree (new label, old one struck through) and in the draft.
    await waitForText(browser, `${rowSel(RENAMED.key)} .pending-label`, RENAMED.after);
    assert.equal(await textOf(browser, `${rowSel(RENAMED.key)} .old-label`), RENAMED.before);
    await waitForText(browser, tid("tab-draft"), "Draft (1)");
    await (await browser.$(tid("tab-draft"))).click();
    await shown(browser, tid("draft-panel"));
    assert.equal(await countOf(browser, tid("draft-op")), 1);
    const op = await browser.$(tid("draft-op"));
    assert.equal(await op.getAttribute("data-op"), "rename");
    assert.equal(await textOf(browser, op), `Rename “${RENAMED.before}” (${RENAMED.key}) to “${RENAMED.after}”`);
    // The preview (a dry run) says what publishing will change.
    await shown(browser, `${tid("preview-summary")} [data-kind="renamed"][data-count="1"]`);
    await shown(browser, `${tid("draft-preview")} ${tid("diff-entry")}[data-kind="renamed"][data-key="${RENAMED.key}"]`);
    await screenshot(browser, "draft");

    await replaceText(browser, tid("publish-message"), PUBLISH_MESSAGE);
    await (await browser.$(tid("publish-button"))).click();
    await waitForText(browser, tid("status-head"), "head v2");
    await waitForText(browser, tid("status-message"), /^Published version 2 in /);
    await waitFor(browser, () => versionOptions(), ["2", "1", "0"], { what: "the versions in the picker" });
    assert.equal(await (await browser.$(tid("version-select"))).getValue(), "2", "the new head is shown");
    const option = await textOf(browser, `${tid("version-select")} option[value="2"]`);
    assert.match(option, /^v2 · edit · /);
    assert.ok(option.includes(PUBLISH_MESSAGE) && option.endsWith("(head)"), option);
    // The draft is empty again, the tree shows the new label.
    await waitForText(browser, tid("tab-draft"), "Draft");
    assert.equal(await countOf(browser, tid("draft-op")), 0);
    await waitFor(browser, () => rowLabel(browser, RENAMED.key), RENAMED.after, { what: "the renamed row" });
    assert.equal(await countOf(browser, `${rowSel(RENAMED.key)} .pending-label`), 0);

    // What the app wrote, through the CLI.
    const versions = cliVersions();
    assert.equal(versions.length, 3);
    const v2 = versions.at(-1);
    assert.equal(v2.version, 2);
    assert.equal(v2.kind, "edit");
    assert.equal(v2.message, PUBLISH_MESSAGE);
    assert.equal(v2.parent_version, 1);
    assert.equal(cli("taxonomy", "show", RENAMED.key).label, RENAMED.after);
  });

  step("cycle-picker", "cycle refused: making Technology a child of pgvector with the parent picker", ["publish"], async () => {
    await (await browser.$(tid("tab-details"))).click();
    await clickRow(browser, rowSel("tech"));
    await waitForText(browser, tid("details-label"), "Technology");
    await replaceText(browser, tid("parent-find"), "pgvector");
    const hit = await shown(browser, `${tid("parent-find-hits")} ${tid("find-hit")}[data-key="tech.db.pgvector"]`);
    await hit.click();
    const add = await shown(browser, tid("add-as-parent"));
    assert.equal(await isDisabled(browser, tid("add-as-parent")), false);
    await add.click();
    await waitForText(browser, tid("tab-draft"), "Draft (1)");

    await (await browser.$(tid("tab-draft"))).click();
    const op = await shown(browser, tid("draft-op"));
    assert.equal(await op.getAttribute("data-op"), "add_parent");
    assert.equal(await textOf(browser, op), "Add “pgvector” (tech.db.pgvector) as a parent of “Technology” (tech)");
    // The preview already refuses it.
    await waitForText(browser, tid("preview-error"), /cycle refused/);

    await replaceText(browser, tid("publish-message"), "must be refused");
    await (await browser.$(tid("publish-button"))).click();
    const banner = await shown(browser, tid("error-banner"));
    assert.equal(await banner.getAttribute("data-kind"), "cycle");
    const bannerText = await textOf(browser, banner);
    assert.match(bannerText, /cycle refused: tech -> tech\.db\.pgvector -> .* -> tech/);
    const pathText = await textOf(browser, tid("error-path"));
    assert.match(pathText, /^Cycle: /);
    const cycle = pathText.replace(/^Cycle: /, "").split(" → ");
    assert.equal(cycle[0], "tech");
    assert.equal(cycle.at(-1), "tech");
    assert.equal(cycle[1], "tech.db.pgvector", "the refused edge comes first: tech -> its new parent");
    // Every other step of the path is an existing child -> parent edge at v2.
    for (let i = 1; i < cycle.length - 1; i++) {
      const parents = cli("taxonomy", "show", cycle[i]).parents.map((p) => p.key);
      assert.ok(parents.includes(cycle[i + 1]), `${cycle[i + 1]} is a parent of ${cycle[i]}`);
    }
    // The draft keeps the operation and shows the failure with the same path.
    const failure = await shown(browser, tid("draft-failure"));
    assert.equal(await failure.getAttribute("data-kind"), "cycle");
    assert.equal(await textOf(browser, tid("cycle-path")), pathText);
    assert.equal(await countOf(browser, tid("draft-op")), 1);
    // Nothing was published.
    assert.equal(await textOf(browser, tid("status-head")), "head v2");
    assert.deepEqual(await versionOptions(), ["2", "1", "0"]);
    assert.equal(cliVersions().length, 3);

    await (await browser.$(tid("discard-button"))).click();
    await waitForText(browser, tid("tab-draft"), "Draft");
    await gone(browser, tid("draft-failure"));
  });

  step("cycle-drag", "cycle refused: dragging a node onto its own descendant", ["publish"], async () => {
    // Onto a descendant in the same branch: refused at once, nothing goes into the draft.
    await expandPath(browser, PG_PATH);
    await dragRowOnto(browser, rowAt(["knowledge", "tech"]), rowAt(PG_PATH));
    let banner = await shown(browser, tid("error-banner"));
    assert.equal(await banner.getAttribute("data-kind"), "cycle");
    assert.match(await textOf(browser, banner), /“pgvector” is under “Technology”/);
    assert.equal(await textOf(browser, tid("error-path")), "Cycle: tech.db.pgvector → tech → tech.db.pgvector");
    assert.equal(await textOf(browser, tid("tab-draft")), "Draft");
    await (await browser.$(tid("error-dismiss"))).click();
    await gone(browser, tid("error-banner"));

    // Onto a descendant shown in another branch (Retrieval-augmented generation is under both
    // Natural language processing and Information retrieval): the drag becomes a move in the
    // draft, and the database refuses it when publishing.
    const rag = ["knowledge", "tech", "tech.ai", "tech.ai.nlp", "tech.ai.rag"];
    await expandPath(browser, rag);
    await dragRowOnto(browser, rowAt(["knowledge", "tech", "tech.search"]), rowAt(rag));
    await waitForText(browser, tid("tab-draft"), "Draft (2)");
    await (await browser.$(tid("tab-draft"))).click();
    const ops = await inPage(browser, () => [...document.querySelectorAll('[data-testid="draft-op"]')].map((e) => e.getAttribute("data-op")));
    assert.deepEqual(ops, ["add_parent", "remove_parent"]);
    await waitForText(browser, tid("preview-error"), /cycle refused/);
    await (await browser.$(tid("publish-button"))).click();
    banner = await shown(browser, tid("error-banner"));
    assert.equal(await banner.getAttribute("data-kind"), "cycle");
    assert.match(await textOf(browser, banner), /cycle refused: tech\.search -> tech\.ai\.rag -> tech\.search/);
    assert.equal(await textOf(browser, tid("error-path")), "Cycle: tech.search → tech.ai.rag → tech.search");
    assert.equal(await textOf(browser, tid("status-head")), "head v2");
    assert.equal(cliVersions().length, 3, "no version was created");
    await (await browser.$(tid("discard-button"))).click();
    await waitForText(browser, tid("tab-draft"), "Draft");
  });

  step("switch", "switch versions: version 1 shows the old label, read-only", ["publish"], async () => {
    await (await browser.$(tid("tab-details"))).click();
    await selectValue(browser, tid("version-select"), 1);
    await waitForText(browser, tid("readonly-badge"), "read-only: version 1");
    await waitForText(browser, tid("status-selected"), "viewing v1 (read-only)");
    await waitFor(browser, () => rowLabel(browser, RENAMED.key), RENAMED.before, { what: "the label at v1" });
    await clickRow(browser, rowSel(RENAMED.key));
    await waitForText(browser, tid("details-label"), RENAMED.before);
    assert.match(await textOf(browser, `${tid("details")} .details-key`), /· v1$/);
    // Editing is disabled: the details' forms, the tree's F2, the draft's Publish.
    for (const id of ["edit-label", "edit-description", "parent-find", "new-child-key", "delete-node"]) {
      assert.equal(await isDisabled(browser, tid(id)), true, `${id} disabled at v1`);
    }
    assert.equal(await isDisabled(browser, tid("rollback-button")), false, "restoring is possible");
    await clickRow(browser, rowSel(RENAMED.key));
    await browser.keys([Key.F2]);
    const banner = await shown(browser, tid("error-banner"));
    assert.match(await textOf(browser, banner), /read-only: version 1 is not the head; switch to v2 to edit/);
    assert.equal(await countOf(browser, tid("rename-input")), 0);
    await (await browser.$(tid("error-dismiss"))).click();
    await (await browser.$(tid("tab-draft"))).click();
    assert.equal(await isDisabled(browser, tid("publish-button")), true);
    assert.match(await textOf(browser, tid("draft-panel")), /Read-only: viewing version 1\. Switch to the head \(v2\) to publish\./);

    // Back to the head.
    await (await browser.$(tid("go-head"))).click();
    await gone(browser, tid("readonly-badge"));
    await waitFor(browser, () => rowLabel(browser, RENAMED.key), RENAMED.after, { what: "the label at the head" });
    assert.equal(await isDisabled(browser, tid("rollback-button")), true, "nothing to restore at the head");
  });

  step("diff", "diff: 1 -> 2 shows 1 renamed and highlights the renamed row", ["publish"], async () => {
    await (await browser.$(tid("tab-diff"))).click();
    await shown(browser, tid("diff-panel"));
    await selectValue(browser, tid("diff-from"), 1);
    await selectValue(browser, tid("diff-to"), 2);
    const summary = await shown(browser, tid("diff-summary"));
    await waitForText(browser, `${tid("diff-summary")} .diff-range`, "v1 → v2:");
    const counts = await inPage(browser, () =>
      Object.fromEntries([...document.querySelectorAll('[data-testid="diff-summary"] [data-kind]')].map((e) => [e.getAttribute("data-kind"), Number(e.getAttribute("data-count"))])),
    );
    assert.deepEqual(counts, { added: 0, removed: 0, renamed: 1, moved: 0, edited: 0 });
    assert.ok(await summary.isDisplayed());
    const entry = await shown(browser, `${tid("diff-renamed")} ${tid("diff-entry")}[data-key="${RENAMED.key}"]`);
    assert.equal(await textOf(browser, entry), `${RENAMED.key}: ${RENAMED.before} → ${RENAMED.after}`);
    for (const kind of ["added", "removed", "moved", "edited"]) assert.equal(await countOf(browser, tid(`diff-${kind}`)), 0);
    // The tree highlights the renamed row, and only it.
    const row = await browser.$(rowSel(RENAMED.key));
    await waitFor(browser, () => row.getAttribute("data-change"), "renamed", { what: "the highlight of the renamed row" });
    assert.match(await row.getAttribute("class"), /\bchg-renamed\b/);
    const highlighted = await inPage(browser, () => [...document.querySelectorAll('[data-testid="tree-row"][data-change]')].map((e) => e.getAttribute("data-key")));
    assert.deepEqual([...new Set(highlighted)], [RENAMED.key]);
    await screenshot(browser, "diff");
  });

  step("rollback", "rollback: restoring version 1 publishes version 3 equal to it", ["publish"], async () => {
    await (await browser.$(tid("tab-details"))).click();
    await selectValue(browser, tid("version-select"), 1);
    await waitForText(browser, tid("readonly-badge"), "read-only: version 1");
    await (await browser.$(tid("rollback-button"))).click();
    await shown(browser, tid("rollback-dialog"));
    const preview = await shown(browser, tid("rollback-preview"));
    assert.match(await textOf(browser, preview), /Publishes a new version equal to v1 on top of head v2/);
    await shown(browser, `${tid("rollback-summary")} [data-kind="renamed"][data-count="1"]`);
    await screenshot(browser, "rollback");
    await replaceText(browser, tid("rollback-message"), ROLLBACK_MESSAGE);
    await (await browser.$(tid("rollback-confirm"))).click();
    const time = await waitForText(browser, tid("rollback-time"), /^Restored version 1 as version 3 in \d+(\.\d+)? (ms|s)$/);
    assert.ok(time);
    await (await browser.$(tid("rollback-close"))).click();
    await gone(browser, tid("rollback-dialog"));

    // The app moved to the new head, which shows the original label.
    await waitForText(browser, tid("status-head"), "head v3");
    await waitFor(browser, async () => (await browser.$(tid("version-select"))).getValue(), "3", { what: "the selected version" });
    await gone(browser, tid("readonly-badge"));
    await waitFor(browser, () => rowLabel(browser, RENAMED.key), RENAMED.before, { what: "the restored label" });
    await waitForText(browser, tid("status-message"), /^Restored version 1 as version 3 in /);

    const versions = cliVersions();
    const v3 = versions.at(-1);
    assert.equal(v3.version, 3);
    assert.equal(v3.kind, "rollback");
    assert.equal(v3.restored_from, 1);
    assert.equal(v3.message, ROLLBACK_MESSAGE);
    const head = cliText("taxonomy", "export");
    assert.equal(head, cliText("taxonomy", "export", "--version", "1"), "the head's export equals version 1's");
    assert.equal(head.trim().split("\n").length, 27);
  });

  step("history", "history: the audit log lists the import, the edit and the rollback", ["rollback"], async () => {
    await (await browser.$(tid("tab-history"))).click();
    await shown(browser, tid("audit-panel"));
    const read = () =>
      inPage(browser, () =>
        [...document.querySelectorAll('[data-testid="audit-row"]')].map((tr) => ({
          action: tr.getAttribute("data-action"),
          cells: [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()),
        })),
      );
    const all = await waitFor(browser, read, (r) => r.length >= 4, { what: "the audit rows" });
    // The classifier's run on the sample documents (after the import) is logged too.
    assert.deepEqual(
      all.map((r) => r.action),
      ["taxonomy.rollback", "taxonomy.edit", "classify.batch", "taxonomy.import"],
      "newest first; the refused publishes left no entry",
    );
    const rows = all.filter((r) => r.action.startsWith("taxonomy."));
    assert.deepEqual(
      rows.map((r) => r.cells[3]),
      ["v3", "v2", "v1"],
    );
    assert.equal(rows[0].cells[4], ROLLBACK_MESSAGE);
    assert.equal(rows[1].cells[4], PUBLISH_MESSAGE);
    assert.equal(rows[2].cells[4], "sample taxonomy");
    // The same entries as the CLI reads.
    assert.deepEqual(
      cli("audit").map((e) => [e.action, e.version]),
      [
        ["taxonomy.rollback", 3],
        ["taxonomy.edit", 2],
        ["classify.batch", null],
        ["taxonomy.import", 1],
      ],
    );
    // Older versions can be restored from here; the head cannot.
    assert.equal(await countOf(browser, `${tid("audit-row")} ${tid("audit-restore")}`), 2);
    await screenshot(browser, "history");

    // The action filter.
    await replaceText(browser, tid("audit-action"), "taxonomy.edit");
    await (await browser.$(tid("audit-refresh"))).click();
    await waitFor(browser, async () => (await read()).map((r) => r.action), ["taxonomy.edit"], { what: "the filtered audit rows" });
  });

  reviewSteps(step, () => browser);

  /** Document ids of the search results, in order. */
  function hitDocs() {
    return inPage(browser, () => [...document.querySelectorAll('[data-testid="search-hit"]')].map((e) => e.getAttribute("data-document")));
  }

  /** Runs the search in the query box with Enter and waits for the results of `expected` documents. */
  async function searchInApp(query, expected, what) {
    await replaceText(browser, tid("search-query"), query);
    await browser.keys([Key.Enter]);
    return waitFor(browser, hitDocs, expected, { what });
  }

  step("search-bm25", "search: BM25 over documents added with the CLI, with highlights, explanations and a category scope", ["start"], async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dtrag-e2e-docs-")), "docs.jsonl");
    fs.writeFileSync(file, DOCS.map((d) => JSON.stringify(d)).join("\n") + "\n");
    try {
      // `docs add` embeds the new chunks with the default model (the samples registered it).
      const added = cli("docs", "add", file);
      assert.equal(added.ingest.added, DOCS.length);
      assert.equal(added.embedding.embed.embedded, DOCS.length);
      assert.equal(added.notice, null);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }

    await (await browser.$(tid("tab-search"))).click();
    await shown(browser, tid("search-panel"));
    // The samples came with vectors: hybrid is the mode, nothing is disabled. Choose BM25.
    await waitFor(browser, async () => (await browser.$(tid("search-mode-hybrid"))).isSelected(), true, { what: "hybrid chosen by default" });
    assert.equal(await isDisabled(browser, tid("search-mode-vector")), false);
    assert.equal(await countOf(browser, tid("search-no-vectors")), 0);
    await (await browser.$(tid("search-mode-bm25"))).click();
    await waitFor(browser, async () => (await browser.$(tid("search-mode-bm25"))).isSelected(), true, { what: "BM25 chosen" });

    // "/" focuses the query box.
    await inPage(browser, () => document.activeElement?.blur());
    await browser.keys(["/"]);
    await waitFor(browser, () => inPage(browser, () => document.activeElement?.getAttribute("data-testid")), "search-query", { what: "the focus after /" });

    // The same ranking as the CLI's.
    const expected = cli("search", "index", "--mode", "bm25").hits.map((h) => h.document);
    const mentioning = ["pg-indexes", "pgvector-hnsw", "bm25-ranking", "support-refunds"];
    assert.ok(mentioning.every((d) => expected.includes(d)), `the four added documents mention an index: ${expected}`);
    await searchInApp("index", expected, "the BM25 results");
    const first = `${tid("search-hit")}[data-rank="1"]`;
    const marks = await inPage(browser, (sel) => [...document.querySelectorAll(`${sel} [data-testid="search-hit-text"] mark`)].map((m) => m.textContent), first);
    assert.ok(marks.length > 0 && marks.every((m) => /^index/i.test(m)), `highlighted: ${JSON.stringify(marks)}`);
    assert.match(await textOf(browser, `${first} ${tid("search-hit-why")}`), /^BM25 #1 \(score \d+\.\d\d\)$/);
    assert.match(await textOf(browser, tid("search-timing")), /^total \d/);
    assert.equal(await countOf(browser, tid("search-model")), 0, "no model in BM25 mode");

    // Limit to Databases (selected in the tree): PostgreSQL and pgvector (under PostgreSQL) remain.
    await expandPath(browser, ["knowledge", "tech", "tech.db"]);
    await clickRow(browser, rowSel("tech.db"));
    await (await browser.$(tid("scope-add-selected"))).click();
    await shown(browser, `${tid("scope-chip")}[data-key="tech.db"]`);
    const scoped = cli("search", "index", "--mode", "bm25", "--under", "tech.db").hits.map((h) => h.document);
    assert.ok(["pg-indexes", "pgvector-hnsw"].every((d) => scoped.includes(d)), `both added database documents: ${scoped}`);
    assert.ok(!scoped.includes("bm25-ranking") && !scoped.includes("support-refunds"), `nothing outside Databases: ${scoped}`);
    await searchInApp("index", scoped, "the results limited to Databases");
    await waitForText(browser, tid("search-scope-size"), /^\d+ chunks in scope$/);
    // ↓ moves to the next result.
    await browser.keys([Key.ArrowDown]);
    await waitFor(browser, async () => (await browser.$(`${tid("search-hit")}[aria-selected="true"]`)).getAttribute("data-rank"), "2", {
      what: "the active result after ArrowDown",
    });
    // × removes the scope again.
    await (await browser.$(`${tid("scope-chip")}[data-key="tech.db"] ${tid("scope-remove")}`)).click();
    await gone(browser, tid("scope-chip"));
  });

  step("search-hybrid", "search: hybrid search shows both signals", ["search-bm25"], async () => {
    await (await browser.$(tid("search-mode-hybrid"))).click();
    await waitFor(browser, async () => (await browser.$(tid("search-mode-hybrid"))).isSelected(), true, { what: "hybrid chosen" });

    const expected = cli("search", "index").hits.map((h) => h.document);
    assert.equal(expected.length, 10, "hybrid fills the default k of 10 (vectors reach every document)");
    await searchInApp("index", expected, "the hybrid results");
    const why = await inPage(browser, () => [...document.querySelectorAll('[data-testid="search-hit-why"]')].map((e) => e.textContent));
    // Each side: its rank and raw score, then (hybrid) its normalised score and weight.
    const fused = String.raw`(, normalised -?\d+(\.\d+)?(e-?\d+)? × weight \d+(\.\d+)?(e-?\d+)?)?`;
    const both = new RegExp(String.raw`^BM25 #\d+ \(score \d+\.\d\d${fused}\) · vector #\d+ \(distance \d\.\d{3}${fused}\)$`);
    assert.ok(both.test(why[0]), `the best hit has both signals: ${why[0]}`);
    const onlyVector = new RegExp(String.raw`^BM25 — not in top 50 · vector #\d+ \(distance \d\.\d{3}${fused}\)$`);
    assert.ok(why.some((w) => onlyVector.test(w)), `one hit only by meaning: ${JSON.stringify(why)}`);
    await waitForText(browser, tid("search-model"), /^all-MiniLM-L6-v2 · (HNSW|exact)$/);
    assert.match(await textOf(browser, tid("search-timing")), /embed \d/);
    await screenshot(browser, "search");
  }, { timeout: 180_000 });

  agentsSteps(step, () => browser, ["search-bm25"]);

  step("health", "connection view: a backup with progress, then the Health panel reports it beside the server's figures", ["start"], async () => {
    await (await browser.$(tid("tab-connection"))).click();
    await shown(browser, tid("health-panel"));
    // Loaded when the panel first shows: the figures agree with `dtrag db health`.
    await shown(browser, tid("health-checked"));
    const report = cli("db", "health");
    await waitForText(browser, tid("health-server"), `PostgreSQL ${report.server.version}`);
    assert.match(await textOf(browser, tid("health-database")), new RegExp(`migration ${report.database.migration_level}$`));
    assert.match(await textOf(browser, tid("health-extensions")), /\bvector \d/);
    // pg_stat_statements is on in the embedded cluster: the app's own queries are listed.
    assert.ok((await countOf(browser, tid("health-statement"))) > 0, "the slowest statements are listed");
    assert.ok((await countOf(browser, tid("health-table"))) >= report.tables.length);

    await (await browser.$(tid("backup-button"))).click();
    await waitForText(browser, tid("backup-outcome"), /^Backed up .* to .*\.dump in /, { timeout: 60_000 });
    await (await browser.$(tid("health-refresh"))).click();
    await waitForText(browser, tid("health-backup"), /^\d+ s ago by /);
    assert.equal(cli("db", "health").last_backup.file, (await textOf(browser, tid("health-backup"))).replace(/^.*?: /, ""));
    await screenshot(browser, "health");
  });

  step("close", "closing the window stops the app's embedded database", ["start"], async (t) => {
    const closer = path.join(ROOT, "tests/e2e/lib/wm-close.py");
    const running = () => cli("db", "status").running;
    assert.equal(running(), true);
    // As a window manager's close button does (ending the WebDriver session would kill the app).
    try {
      execFileSync("python3", [closer, "DT-RAG Studio"], { stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      if (e.code === "ENOENT") return t.skip("python3 is missing: cannot close the window like a window manager");
      throw e;
    }
    const deadline = Date.now() + 30_000;
    while (running()) {
      if (Date.now() > deadline) assert.fail("the embedded database still runs 30 s after the window was closed");
      await new Promise((r) => setTimeout(r, 200));
    }
    await waitFor(browser, async () => appPids(), [], { what: "the app's processes", timeout: 10_000 }).catch(() => {
      throw new Error(`the app still runs after its database was stopped: ${appPids().join(", ")}`);
    });
  });
});
