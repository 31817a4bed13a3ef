// The agents steps of tests/e2e/studio.test.mjs (kept apart to keep each file readable): an agent
// created in the Agents tab from the category selected in the tree plus one added through the
// category picker, checked with `dtrag agents show`; a playground query that gets exactly the hits
// `dtrag search --agent` gets (row-level security: nothing outside the agent's categories); a login
// issued and revoked; the agent removed after a confirmation.
import assert from "node:assert/strict";
import { Key, cli, expandPath, clickRow, gone, inPage, rowSel, screenshot, selectValue, shown, textOf, tid, waitFor, waitForText } from "./studio.mjs";

const NAME = "e2e-db-support";

/** Document ids of the playground's hits, in order. */
function playgroundDocs(browser) {
  return inPage(browser, () =>
    [...document.querySelectorAll('[data-testid="agent-playground"] [data-testid="search-hit"]')].map((e) => e.getAttribute("data-document")),
  );
}

/** The id of the focused element's data-testid. */
function focused(browser) {
  return inPage(browser, () => document.activeElement?.getAttribute("data-testid"));
}

/**
 * Registers the agents steps. `step(id, title, needs, fn, opts)` is the story's step; `b()` the
 * WebDriver session. `needs` names the step that added the search steps' documents.
 */
export function agentsSteps(step, b, needs) {
  step("agents", "agents: create one from the tree's selection and the picker, search as it, issue and revoke its login, remove it", ["start", ...needs], async () => {
    const browser = b();
    assert.deepEqual(cli("agents", "list"), [], "a new database has no agents");

    // The category selected in the tree starts the new agent's categories.
    await expandPath(browser, ["knowledge", "tech", "tech.db"]);
    await clickRow(browser, rowSel("tech.db"));
    await (await browser.$(tid("tab-agents"))).click();
    await shown(browser, tid("agents-empty"));
    await waitFor(browser, () => focused(browser), "agents-panel", { what: "the focus in the agents tab" });
    // N opens "New agent", with the focus in its name.
    await browser.keys(["n"]);
    await shown(browser, tid("agent-new-dialog"));
    await waitFor(browser, () => focused(browser), "agent-new-name", { what: "the focus in the name" });
    await shown(browser, `${tid("agent-new-dialog")} ${tid("category-chip")}[data-key="tech.db"]`);
    // addValue, not keys: WebDriver's key actions may drop one of two equal keys in a row.
    const name = await browser.$(tid("agent-new-name"));
    await name.addValue(NAME);
    await waitFor(browser, () => name.getValue(), NAME, { what: "the agent's name" });

    // One more category through the picker, by keyboard.
    await (await browser.$(tid("category-add"))).click();
    const input = await shown(browser, tid("picker-input"));
    await waitFor(browser, () => focused(browser), "picker-input", { what: "the focus in the picker" });
    await input.addValue("Customer support");
    await shown(browser, `${tid("picker-hit")}[data-key="business.support"][aria-selected="true"]`);
    await browser.keys([Key.Enter]);
    await shown(browser, `${tid("picker-chip")}[data-key="business.support"]`);
    await browser.keys([Key.Enter]);
    await gone(browser, tid("review-picker"));
    await shown(browser, `${tid("agent-new-dialog")} ${tid("category-chip")}[data-key="business.support"]`);
    await selectValue(browser, tid("agent-new-mode"), "bm25");
    await screenshot(browser, "agent-new");
    await (await browser.$(tid("agent-new-create"))).click();
    await gone(browser, tid("agent-new-dialog"));

    // As the CLI reads it, and as the list and the detail show it.
    const created = cli("agents", "show", NAME);
    assert.deepEqual(created.categories, ["business.support", "tech.db"]);
    assert.equal(created.pinned_version, null);
    assert.equal(created.settings.mode, "bm25");
    assert.ok(created.scope.documents >= 4, `the scope holds the database and support documents: ${JSON.stringify(created.scope)}`);
    const row = `${tid("agent-row")}[data-name="${NAME}"]`;
    await waitFor(browser, async () => (await browser.$(row)).getAttribute("aria-selected"), "true", { what: "the new agent selected" });
    await waitForText(browser, `${row} ${tid("agent-pin")}`, "follows the head");
    await waitForText(browser, `${row} ${tid("agent-documents")}`, String(created.scope.documents));
    await waitForText(browser, tid("agent-scope-chunks"), String(created.scope.chunks));
    await waitForText(browser, tid("agent-scope-nodes"), String(created.scope.nodes));

    // The playground (the focus is in its box): exactly the hits the agent gets from the CLI.
    await waitFor(browser, () => focused(browser), "agent-query", { what: "the focus in the playground" });
    const expected = cli("search", "index", "--agent", NAME).hits.map((h) => h.document);
    assert.ok(expected.includes("pg-indexes") && expected.includes("support-refunds"), `the agent sees its documents: ${expected}`);
    assert.ok(!expected.includes("bm25-ranking"), `nothing outside its categories: ${expected}`);
    const query = await browser.$(tid("agent-query"));
    await query.addValue("index");
    await waitFor(browser, () => query.getValue(), "index", { what: "the playground's query" });
    await browser.keys([Key.Enter]);
    await waitFor(browser, () => playgroundDocs(browser), expected, { what: "the playground's hits" });
    const first = `${tid("agent-playground")} ${tid("search-hit")}[data-rank="1"]`;
    assert.ok((await textOf(browser, `${first} ${tid("search-hit-text")}`)).length > 0, "the hit shows its text");
    await screenshot(browser, "agents");

    // A login: its URL, then revoked.
    await (await browser.$(tid("agent-issue-login"))).click();
    const url = await waitFor(browser, async () => {
      const el = await browser.$(tid("agent-url"));
      return (await el.isExisting()) ? el.getValue() : null;
    }, /^postgres:\/\/[a-z0-9_]+:[^@]+@/, { what: "the login's URL" });
    assert.ok(url.startsWith(`postgres://${created.role}:`), `the URL names the agent's role: ${url.replace(/:[^@/]+@/, ":***@")}`);
    const keyringNote = await (await browser.$(tid("agent-keyring-note"))).isExisting();
    const keyringKept = await (await browser.$(tid("agent-keyring-kept"))).isExisting();
    assert.ok(keyringNote !== keyringKept, "the view says whether the keyring holds the password");
    assert.equal(cli("agents", "show", NAME).can_login, true);
    await waitForText(browser, tid("agent-issue-login"), "Issue a new login");
    await (await browser.$(tid("agent-revoke-login"))).click();
    await shown(browser, tid("agent-revoked"));
    await gone(browser, tid("agent-url"));
    assert.equal(cli("agents", "show", NAME).can_login, false);

    // Removed after a confirmation.
    await (await browser.$(tid("agent-remove"))).click();
    await (await shown(browser, tid("agent-remove-confirm"))).click();
    await gone(browser, row);
    await shown(browser, tid("agents-empty"));
    assert.deepEqual(cli("agents", "list"), []);
  }, { timeout: 120_000 });
}
