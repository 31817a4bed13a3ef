import { beforeEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import * as api from "../../api";
import { ServicesContext, type Services } from "../../services";
import { AGENTS, agent, credentials, hit, refusal, result, SETTINGS } from "../../test/agentFixtures";
import { VERSIONS } from "../../test/fixtures";
import { AgentsView } from "./AgentsView";

vi.mock("../../api", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../api")>();
  const fns = ["agentsList", "agentsShow", "agentsCreate", "agentsUpdate", "agentsRemove", "agentsSearch", "agentsCredentials", "agentsCheck", "findNodes"];
  return { ...actual, ...Object.fromEntries(fns.map((f) => [f, vi.fn()])) };
});

const m = vi.mocked(api);
const LABELS: Record<string, string> = { animal: "Animal", pet: "Pet", fish: "Fish", cat: "Cat" };
let reported: unknown[];

function renderView(props: Partial<Parameters<typeof AgentsView>[0]> = {}) {
  const services: Services = { run: (_label, fn) => fn(), report: (e) => reported.push(e) };
  return render(
    <ServicesContext.Provider value={services}>
      <AgentsView
        active
        ready
        refreshKey={0}
        versions={VERSIONS}
        head={3}
        selectedKey={null}
        labelOf={(k) => LABELS[k] ?? k}
        onSelectKey={() => undefined}
        {...props}
      />
    </ServicesContext.Provider>,
  );
}

function agentRow(name: string) {
  const r = screen.getAllByTestId("agent-row").find((e) => e.getAttribute("data-name") === name);
  if (!r) throw new Error(`no row ${name}`);
  return r;
}

async function openAgent(name: string) {
  await screen.findAllByTestId("agent-row");
  fireEvent.click(within(agentRow(name)).getByTestId("agent-open"));
  await waitFor(() => expect(screen.getByTestId("agent-detail-name").textContent).toBe(name));
}

beforeEach(() => {
  vi.resetAllMocks();
  reported = [];
  m.agentsList.mockResolvedValue(AGENTS);
  m.agentsShow.mockImplementation(async (name) => ({ ...AGENTS.find((a) => a.name === name)!, can_login: true }));
  m.findNodes.mockResolvedValue([]);
});

describe("the agents list", () => {
  it("shows each agent's categories, pin and scope size", async () => {
    renderView();
    await screen.findAllByTestId("agent-row");
    expect(m.agentsList).toHaveBeenCalledTimes(1);
    const pets = agentRow("pets");
    expect(within(pets).getByTestId("agent-categories").textContent).toBe("FishPet");
    expect(within(pets).getByTestId("agent-pin").textContent).toBe("pinned to v2");
    expect(within(pets).getByTestId("agent-documents").textContent).toBe("2");
    expect(within(pets).getByTestId("agent-chunks").textContent).toBe("5");
    expect(within(pets).getByTestId("agent-nodes").textContent).toBe("3");
    expect(within(agentRow("zoo")).getByTestId("agent-pin").textContent).toBe("follows the head");
    expect(within(agentRow("zoo")).getByTestId("agent-documents").textContent).toBe("4");
  });

  it("says what to do when there are none, and nothing without a database", async () => {
    m.agentsList.mockResolvedValue([]);
    const { unmount } = renderView();
    expect(await screen.findByTestId("agents-empty")).toBeTruthy();
    unmount();
    renderView({ ready: false });
    expect(screen.getByTestId("agents-no-database")).toBeTruthy();
  });

  it("↓ on an agent's name selects the next one; its detail shows the scope and settings", async () => {
    renderView();
    await openAgent("pets");
    expect(screen.getByTestId("agent-scope-documents").textContent).toBe("2");
    expect(screen.getByTestId("agent-scope-chunks").textContent).toBe("5");
    expect(screen.getByTestId("agent-scope-nodes").textContent).toBe("3");
    expect(screen.getByTestId("agent-settings").textContent).toBe("Hybrid · k 10 · weights BM25 1, vector 1 · default model");
    fireEvent.keyDown(within(agentRow("pets")).getByTestId("agent-open"), { key: "ArrowDown" });
    await waitFor(() => expect(screen.getByTestId("agent-detail-name").textContent).toBe("zoo"));
    expect(document.activeElement).toBe(within(agentRow("zoo")).getByTestId("agent-open"));
  });
});

describe("a new agent", () => {
  it("starts with the tree's selection, adds categories through the picker and sends them with mode and k", async () => {
    const created = agent("pet-bot", { categories: ["fish", "pet"], settings: { ...SETTINGS, mode: "bm25", k: 5 } });
    m.agentsCreate.mockResolvedValue(created);
    m.findNodes.mockResolvedValue([{ key: "fish", label: "Fish", matched: "Fish", parent_labels: ["Pet"], score: 1 }]);
    renderView({ selectedKey: "pet" });
    await screen.findAllByTestId("agent-row");
    // N opens the dialog (the focus is in the panel).
    fireEvent.keyDown(screen.getByTestId("agents-panel"), { key: "n" });
    const dialog = await screen.findByTestId("agent-new-dialog");
    expect(document.activeElement).toBe(screen.getByTestId("agent-new-name"));
    expect(within(dialog).getAllByTestId("category-chip").map((c) => c.getAttribute("data-key"))).toEqual(["pet"]);

    fireEvent.click(screen.getByTestId("category-add"));
    const input = await screen.findByTestId("picker-input");
    fireEvent.change(input, { target: { value: "Fis" } });
    await screen.findByTestId("picker-hit");
    expect(m.findNodes).toHaveBeenCalledWith(3, "Fis", 20);
    fireEvent.keyDown(input, { key: "Enter" });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(screen.queryByTestId("review-picker")).toBeNull());
    expect(within(dialog).getAllByTestId("category-chip").map((c) => c.getAttribute("data-key"))).toEqual(["pet", "fish"]);

    fireEvent.change(screen.getByTestId("agent-new-name"), { target: { value: " pet-bot " } });
    fireEvent.change(screen.getByTestId("agent-new-description"), { target: { value: "Answers about pets" } });
    fireEvent.change(screen.getByTestId("agent-new-mode"), { target: { value: "bm25" } });
    fireEvent.change(screen.getByTestId("agent-new-k"), { target: { value: "5" } });
    fireEvent.click(screen.getByTestId("agent-new-create"));
    await waitFor(() => expect(screen.queryByTestId("agent-new-dialog")).toBeNull());
    expect(m.agentsCreate).toHaveBeenCalledWith({
      name: "pet-bot",
      description: "Answers about pets",
      categories: ["pet", "fish"],
      pinned_version: null,
      settings: { mode: "bm25", k: 5, weights: { bm25: 1, vector: 1 }, model: null },
    });
    // The new agent is listed and selected; the focus goes to its playground.
    expect(agentRow("pet-bot").getAttribute("aria-selected")).toBe("true");
    expect(screen.getByTestId("agent-detail-name").textContent).toBe("pet-bot");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("agent-query")));
  });

  it("shows the library's refusal and stays open; Escape closes it", async () => {
    m.agentsCreate.mockRejectedValue(refusal('an agent named "zoo" exists already'));
    renderView({ selectedKey: "animal" });
    await screen.findAllByTestId("agent-row");
    fireEvent.click(screen.getByTestId("agents-new"));
    fireEvent.change(await screen.findByTestId("agent-new-name"), { target: { value: "zoo" } });
    fireEvent.submit(screen.getByTestId("agent-new-name").closest("form")!);
    const error = await screen.findByTestId("agent-new-error");
    expect(error.textContent).toBe('an agent named "zoo" exists already');
    expect(error.getAttribute("data-kind")).toBe("invalid_input");
    expect(screen.getByTestId("agent-new-dialog")).toBeTruthy();
    expect(reported).toEqual([]);
    fireEvent.keyDown(screen.getByTestId("agent-new-name"), { key: "Escape" });
    expect(screen.queryByTestId("agent-new-dialog")).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("agents-new")));
  });

  it("needs a name and a category before it can be created", async () => {
    renderView();
    await screen.findAllByTestId("agent-row");
    fireEvent.click(screen.getByTestId("agents-new"));
    const create = (await screen.findByTestId("agent-new-create")) as HTMLButtonElement;
    fireEvent.change(screen.getByTestId("agent-new-name"), { target: { value: "bot" } });
    expect(create.disabled).toBe(true);
    expect(screen.queryAllByTestId("category-chip")).toHaveLength(0);
  });
});

describe("the playground", () => {
  it("Enter searches as the agent and shows exactly its hits, with their documents and texts", async () => {
    m.agentsSearch.mockResolvedValue(result([hit(1, { document: "pet-care", title: "Pet care", text: "Feed the fish daily." }), hit(2)]));
    renderView();
    await openAgent("pets");
    const query = screen.getByTestId("agent-query");
    fireEvent.change(query, { target: { value: " fish food " } });
    fireEvent.keyDown(query, { key: "Enter" });
    const hits = await screen.findAllByTestId("search-hit");
    expect(m.agentsSearch).toHaveBeenCalledWith({ agent: "pets", query: "fish food", mode: null, k: null, under: [], exact: false });
    expect(hits.map((h) => h.getAttribute("data-document"))).toEqual(["pet-care", "doc-2"]);
    expect(within(hits[0]).getByTestId("search-hit-title").textContent).toBe("Pet care");
    expect(within(hits[0]).getByTestId("search-hit-text").textContent).toBe("Feed the fish daily.");
    expect(screen.getByTestId("search-count").textContent).toBe("2 results");
    // ↓ moves through the hits; another agent starts without them.
    fireEvent.keyDown(query, { key: "ArrowDown" });
    expect(hits[1].getAttribute("aria-selected")).toBe("true");
    fireEvent.click(within(agentRow("zoo")).getByTestId("agent-open"));
    await waitFor(() => expect(screen.queryAllByTestId("search-hit")).toHaveLength(0));
  });

  it("shows a refused search beside the box", async () => {
    m.agentsSearch.mockRejectedValue(refusal("the query is empty"));
    renderView();
    await openAgent("zoo");
    fireEvent.change(screen.getByTestId("agent-query"), { target: { value: "x" } });
    fireEvent.click(screen.getByTestId("agent-run"));
    expect((await screen.findByTestId("agent-search-error")).textContent).toBe("the query is empty");
  });
});

describe("credentials", () => {
  it("issues a login and shows its URL with a copy button and the keyring note; revokes it", async () => {
    const url = "postgres://dtrag_agent_pets:s3cret@localhost/dtrag?host=/tmp&port=5432";
    m.agentsCredentials.mockResolvedValueOnce(credentials("pets", url, false)).mockResolvedValueOnce(credentials("pets", null));
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText } });
    renderView();
    await openAgent("pets");
    fireEvent.click(screen.getByTestId("agent-issue-login"));
    const shown = (await screen.findByTestId("agent-url")) as HTMLInputElement;
    expect(m.agentsCredentials).toHaveBeenCalledWith("pets", false);
    expect(shown.value).toBe(url);
    expect(document.activeElement).toBe(shown);
    expect(screen.getByTestId("agent-keyring-note").textContent).toMatch(/only copy of the password/);
    // The agent is read again: its role can log in now.
    await waitFor(() => expect(m.agentsShow).toHaveBeenCalledWith("pets"));
    await waitFor(() => expect(screen.getByTestId("agent-issue-login").textContent).toBe("Issue a new login"));

    fireEvent.click(screen.getByTestId("agent-copy-url"));
    await screen.findByTestId("agent-copied");
    expect(writeText).toHaveBeenCalledWith(url);

    fireEvent.click(screen.getByTestId("agent-revoke-login"));
    expect((await screen.findByTestId("agent-revoked")).textContent).toMatch(/can no longer log in/);
    expect(m.agentsCredentials).toHaveBeenLastCalledWith("pets", true);
    expect(screen.queryByTestId("agent-url")).toBeNull();
  });

  it("says so when the password is kept in the keyring", async () => {
    m.agentsCredentials.mockResolvedValue(credentials("zoo", "postgres://r:p@h:5432/db", true));
    renderView();
    await openAgent("zoo");
    fireEvent.click(screen.getByTestId("agent-issue-login"));
    await screen.findByTestId("agent-keyring-kept");
    expect(screen.queryByTestId("agent-keyring-note")).toBeNull();
  });
});

describe("editing and removing", () => {
  it("saves only what changed: the description and the pin", async () => {
    const pets = AGENTS[0];
    m.agentsUpdate.mockImplementation(async (_name, change) => ({
      ...pets,
      description: change.description ?? pets.description,
      pinned_version: change.pinned_version === undefined ? pets.pinned_version : change.pinned_version,
      updated_at: "2025-11-26T10:00:00Z",
    }));
    renderView();
    await openAgent("pets");
    const save = screen.getByTestId("agent-save") as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    fireEvent.change(screen.getByTestId("agent-edit-description"), { target: { value: "Only pets" } });
    fireEvent.change(screen.getByTestId("agent-edit-pin"), { target: { value: "" } });
    fireEvent.click(save);
    await screen.findByTestId("agent-saved");
    expect(m.agentsUpdate).toHaveBeenCalledWith("pets", { description: "Only pets", categories: null, settings: null, pinned_version: null });
    expect(within(agentRow("pets")).getByTestId("agent-pin").textContent).toBe("follows the head");
  });

  it("sends a new set of categories, and shows a refusal under the form", async () => {
    m.agentsUpdate.mockRejectedValue(refusal("no node cat at version 2", "not_found"));
    renderView({ selectedKey: "cat" });
    await openAgent("pets");
    const edit = screen.getByTestId("agent-edit");
    fireEvent.click(within(edit).getAllByTestId("category-remove")[0]);
    fireEvent.click(within(edit).getByTestId("category-add-selected"));
    fireEvent.click(screen.getByTestId("agent-save"));
    const error = await screen.findByTestId("agent-edit-error");
    expect(error.textContent).toBe("no node cat at version 2");
    expect(error.getAttribute("data-kind")).toBe("not_found");
    expect(m.agentsUpdate).toHaveBeenCalledWith("pets", { description: null, categories: ["pet", "cat"], settings: null, pinned_version: undefined });
  });

  it("removes an agent after a confirmation; Escape cancels it", async () => {
    m.agentsRemove.mockResolvedValue(AGENTS[1]);
    renderView();
    await openAgent("zoo");
    fireEvent.click(screen.getByTestId("agent-remove"));
    const dialog = await screen.findByTestId("confirm-dialog");
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    expect(m.agentsRemove).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("agent-remove"));
    await act(async () => {
      fireEvent.click(await screen.findByTestId("agent-remove-confirm"));
    });
    expect(m.agentsRemove).toHaveBeenCalledWith("zoo");
    await waitFor(() => expect(screen.getAllByTestId("agent-row").map((r) => r.getAttribute("data-name"))).toEqual(["pets"]));
    expect(screen.queryByTestId("agent-detail")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("agents-new"));
  });
});

describe("the leak self-check", () => {
  it("runs as the selected agent and lists each probe, failures marked", async () => {
    m.agentsCheck.mockResolvedValue({
      agent: "pets",
      passed: false,
      probes: [
        { name: "documents", passed: true, detail: "3 visible, 3 in scope" },
        { name: "refuses the audit log", passed: false, detail: "allowed" },
      ],
    });
    renderView();
    await openAgent("pets");
    fireEvent.click(screen.getByTestId("agent-check"));
    await waitFor(() => expect(screen.getAllByTestId("agent-check-probe")).toHaveLength(2));
    expect(m.agentsCheck).toHaveBeenCalledWith("pets");
    expect(screen.getByTestId("agent-check-verdict").dataset.passed).toBe("false");
    const failed = screen.getAllByTestId("agent-check-probe").filter((e) => e.dataset.passed === "false");
    expect(failed.map((e) => e.textContent)).toEqual(["✗ refuses the audit log: allowed"]);
  });
});
