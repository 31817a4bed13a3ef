// Desktop app benchmark on WordNet (3.0 as v1, 3.1 as v2), through tauri-driver. Not a test: run it
// with scripts/bench-app.sh, which prepares the data directory and starts Xvfb and tauri-driver.
//
// Measures (timings inside the page with performance.now() / MutationObserver, not WebDriver round
// trips, except where a figure is by definition about the whole start):
//   - first tree paint after start: from asking tauri-driver for a session (which launches the app)
//     to the first tree row in the DOM, and the app's own part of it (from the app process's start,
//     read from /proc); median of DTRAG_BENCH_STARTS starts (default 5), each with the embedded
//     database stopped first, as when a user starts the app;
//   - expanding a node: click on the twisty -> its child rows in the DOM, over DTRAG_BENCH_EXPANSIONS
//     (default 50) rows with children that were never expanded before (children not cached);
//   - opening the Diff tab (v1 -> v2 by default) -> the summary rendered;
//   - resident memory after the diff: the app and its WebKit processes (sum of VmRSS; PSS too).
// Writes docs/benchmarks.md between <!-- bench:desktop --> and <!-- /bench:desktop -->.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT, appPids, cli, env, inPage, openStudio, rowSel, shown, tid } from "./lib/studio.mjs";

const STARTS = Number(process.env.DTRAG_BENCH_STARTS || 5);
const EXPANSIONS = Number(process.env.DTRAG_BENCH_EXPANSIONS || 50);
const BENCH_FILE = process.env.DTRAG_BENCH_FILE || path.join(ROOT, "docs/benchmarks.md");
const TARGETS = { firstPaintMs: 1500, expandP95Ms: 50, diffOpenMs: 500, memoryMb: 300 };

const log = (...a) => console.error("   ", ...a);

// ---- /proc ---------------------------------------------------------------------------------------

const CLK_TCK = 100; // Linux's USER_HZ on every mainstream architecture (getconf CLK_TCK)

/** Epoch milliseconds at which process `pid` started (10 ms resolution). */
function processStartEpochMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const startTicks = Number(fields[19]); // field 22 of stat; fields[] starts at field 3
  const uptimeS = Number(fs.readFileSync("/proc/uptime", "utf8").split(" ")[0]);
  const bootEpochMs = Date.now() - uptimeS * 1000;
  return bootEpochMs + (startTicks / CLK_TCK) * 1000;
}

function parentOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/** `pid` and all its descendants. */
function withDescendants(pid) {
  const all = fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n)).map(Number);
  const children = new Map();
  for (const p of all) {
    const pp = parentOf(p);
    if (pp === null) continue;
    if (!children.has(pp)) children.set(pp, []);
    children.get(pp).push(p);
  }
  const out = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop();
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  let name = /^Name:\s+(.*)$/m.exec(status)?.[1] ?? "?"; // truncated to 15 characters
  try {
    name = path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]) || name;
  } catch {
    /* keep the short name */
  }
  const rssKb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0);
  let pssKb = null;
  try {
    pssKb = Number(/^Pss:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    /* no smaps_rollup */
  }
  return { pid, name, rssKb, pssKb };
}

/** The embedded PostgreSQL server of the data directory and its backends (for information). */
function postgresProcesses(dataDir) {
  const pgdata = path.join(dataDir, "pg");
  for (const n of fs.readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = fs.readFileSync(`/proc/${n}/cmdline`, "utf8").split("\0");
      const i = cmd.indexOf("-D");
      if (path.basename(cmd[0]) === "postgres" && i >= 0 && cmd[i + 1] === pgdata) return withDescendants(Number(n));
    } catch {
      /* gone */
    }
  }
  return [];
}

// ---- figures -------------------------------------------------------------------------------------

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function median(xs) {
  return percentile([...xs].sort((a, b) => a - b), 50);
}

// WebKit's performance.now() has a resolution of 1 ms.
const ms = (x) => `${Math.round(x)} ms`;

/** The app's own timing of its last IPC call, from the status bar ("Loading children: 12 ms"). */
function parseLastCall(text) {
  const m = /: ([\d.]+) (ms|s)$/.exec(text ?? "");
  return m ? Number(m[1]) * (m[2] === "s" ? 1000 : 1) : null;
}
const mb = (kb) => `${(kb / 1024).toFixed(0)} MB`;
const verdict = (value, target) => (value <= target ? "met" : "**missed**");

// ---- the app -------------------------------------------------------------------------------------

function stopDatabase() {
  const s = cli("db", "status");
  if (s.running) cli("db", "stop");
}

/** One start: session -> first tree row, measured from node (session) and in the page. */
async function measureStart() {
  stopDatabase();
  const sessionStart = Date.now();
  const browser = await openStudio();
  const sessionReady = Date.now();
  const page = await inPage(browser, () => {
    const now = () => performance.timeOrigin + performance.now();
    const find = () => document.querySelector('[data-testid="tree-row"]');
    const nav = performance.getEntriesByType("navigation")[0];
    const base = { timeOrigin: performance.timeOrigin, domContentLoaded: nav ? performance.timeOrigin + nav.domContentLoadedEventEnd : null };
    return new Promise((resolve) => {
      if (find()) return resolve({ ...base, firstRowAt: null, already: now() });
      const mo = new MutationObserver(() => {
        if (!find()) return;
        mo.disconnect();
        const at = now();
        requestAnimationFrame(() => resolve({ ...base, firstRowAt: at, frameAt: performance.timeOrigin + performance.now() }));
      });
      mo.observe(document.body, { childList: true, subtree: true });
    });
  });
  // A row already there when the observer was installed: its time is at most "now" (an upper bound).
  const upperBound = page.firstRowAt === null;
  if (upperBound) {
    page.firstRowAt = page.already;
    page.frameAt = page.already;
  }
  const pids = appPids();
  if (pids.length !== 1) throw new Error(`expected one app process, found ${pids.length}`);
  const processStart = processStartEpochMs(pids[0]);
  const label = await inPage(browser, () => document.querySelector('[data-testid="tree-row"] .row-label')?.textContent);
  return {
    browser,
    label,
    upperBound,
    sessionToFirstRow: page.firstRowAt - sessionStart,
    processToFirstRow: page.firstRowAt - processStart,
    sessionToProcess: processStart - sessionStart,
    processToNavigation: page.timeOrigin - processStart,
    navigationToFirstRow: page.firstRowAt - page.timeOrigin,
    sessionCall: sessionReady - sessionStart,
    firstRowToFrame: page.frameAt - page.firstRowAt,
  };
}

/**
 * Expands the first visible row with children whose key was never expanded (children not cached)
 * and times it. mode "click": a click on its twisty (which also selects the row, so its details
 * load at the same time); mode "key": the row is selected first (click on its label, wait for its
 * details), then ArrowRight. Returns null when no such row is left.
 */
async function expandOne(browser, expandedKeys, mode) {
  return inPage(
    browser,
    (done, mode) => {
      const rows = () => [...document.querySelectorAll('[data-testid="tree-row"]')];
      const scroller = document.querySelector('[data-testid="tree"]');
      // Only rows inside the visible part of the tree: the virtual window renders 20 rows beyond
      // it, so the children of a visible row are rendered right below it.
      const visible = (r) => {
        const a = r.getBoundingClientRect();
        const b = scroller.getBoundingClientRect();
        return a.top >= b.top && a.bottom <= b.bottom;
      };
      const pick = () => rows().find((r) => r.getAttribute("aria-expanded") === "false" && !done.includes(r.getAttribute("data-key")) && visible(r));
      const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const lastCall = () => document.querySelector('[data-testid="status-last-call"]')?.textContent ?? null;
      return (async () => {
        let row = pick();
        for (let tries = 0; !row; tries++) {
          if (tries > 200 || scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight) return null;
          scroller.scrollTop += scroller.clientHeight; // bring the next rows into the virtual window
          await nextFrame();
          await nextFrame();
          row = pick();
        }
        const id = row.getAttribute("data-row-id");
        const key = row.getAttribute("data-key");
        const childCount = Number(row.querySelector(".child-count")?.textContent ?? 0);
        if (mode === "key") {
          row.querySelector(".row-label").click();
          const deadline = performance.now() + 10_000;
          while (document.querySelector('[data-testid="details-key"]')?.textContent !== key) {
            if (performance.now() > deadline) return { key, childCount, ms: null, why: "details did not load" };
            await nextFrame();
          }
        }
        const prefix = id + "\u001f";
        const hasChild = () => rows().some((r) => r.getAttribute("data-row-id").startsWith(prefix));
        return new Promise((resolve) => {
          let t0 = 0;
          const timer = setTimeout(() => {
            mo.disconnect();
            resolve({ key, childCount, ms: null, why: "no child row within 10 s" });
          }, 10_000);
          const mo = new MutationObserver(() => {
            if (!hasChild()) return;
            const t1 = performance.now();
            mo.disconnect();
            clearTimeout(timer);
            requestAnimationFrame(() => resolve({ key, childCount, ms: t1 - t0, frameMs: performance.now() - t0, lastCall: lastCall() }));
          });
          mo.observe(scroller, { childList: true, subtree: true });
          t0 = performance.now();
          if (mode === "key") {
            scroller.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true, cancelable: true }));
          } else {
            row.querySelector('[data-testid="tree-toggle"]').click();
          }
        });
      })();
    },
    [...expandedKeys],
    mode,
  );
}

/** N expansions in `mode`; the figures. */
async function expansionSeries(browser, expandedKeys, mode, n) {
  const runs = [];
  while (runs.length < n) {
    const r = await expandOne(browser, expandedKeys, mode);
    if (r === null) break;
    expandedKeys.add(r.key);
    if (r.ms === null) throw new Error(`expanding ${r.key} (${mode}): ${r.why}`);
    runs.push(r);
  }
  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  const dom = sorted(runs.map((r) => r.ms));
  const frame = sorted(runs.map((r) => r.frameMs));
  const ipc = sorted(runs.filter((r) => /^Loading children/.test(r.lastCall ?? "")).map((r) => parseLastCall(r.lastCall)).filter((x) => x !== null));
  return { mode, n: runs.length, dom, frame, ipc, maxChildren: Math.max(...runs.map((r) => r.childCount)) };
}

async function measureDiffOpen(browser) {
  return inPage(browser, () => {
    return new Promise((resolve) => {
      const summary = () => document.querySelector('[data-testid="diff-summary"]');
      let t0 = 0;
      const timer = setTimeout(() => {
        mo.disconnect();
        resolve(null);
      }, 60_000);
      const mo = new MutationObserver(() => {
        if (!summary()) return;
        const t1 = performance.now();
        mo.disconnect();
        clearTimeout(timer);
        requestAnimationFrame(() => {
          const counts = Object.fromEntries(
            [...summary().querySelectorAll("[data-kind]")].map((e) => [e.getAttribute("data-kind"), Number(e.getAttribute("data-count"))]),
          );
          resolve({
            lastCall: document.querySelector('[data-testid="status-last-call"]')?.textContent ?? null,
            ms: t1 - t0,
            frameMs: performance.now() - t0,
            range: summary().querySelector(".diff-range")?.textContent,
            counts,
            highlightedRows: document.querySelectorAll('[data-testid="tree-row"][data-change]').length,
          });
        });
      });
      mo.observe(document.body, { childList: true, subtree: true });
      t0 = performance.now();
      document.querySelector('[data-testid="tab-diff"]').click();
    });
  });
}

// ---- docs/benchmarks.md ------------------------------------------------------------------------------

function writeSection(markdown) {
  const begin = "<!-- bench:desktop -->";
  const end = "<!-- /bench:desktop -->";
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  let text = fs.existsSync(BENCH_FILE) ? fs.readFileSync(BENCH_FILE, "utf8") : "# Benchmarks\n";
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else text = text.replace(/\s*$/, "\n\n") + block + "\n";
  fs.writeFileSync(BENCH_FILE, text);
}

// ---- main ------------------------------------------------------------------------------------------

async function main() {
  const versions = cli("taxonomy", "versions");
  const head = versions.at(-1).version;
  log(`data: ${versions.filter((v) => v.version > 0).map((v) => `v${v.version} ${v.message}`).join(", ")}`);

  // 1. Starts.
  const starts = [];
  let browser = null;
  for (let i = 0; i < STARTS; i++) {
    const s = await measureStart();
    log(
      `start ${i + 1}/${STARTS}: session -> first row ${s.upperBound ? "≤ " : ""}${ms(s.sessionToFirstRow)}; app process -> first row ${ms(s.processToFirstRow)} ` +
        `(process -> page ${ms(s.processToNavigation)}, page -> first row ${ms(s.navigationToFirstRow)}); first row: ${s.label}`,
    );
    starts.push(s);
    if (i < STARTS - 1) {
      await s.browser.deleteSession(); // kills the app (its database keeps running: measureStart stops it)
      const deadline = Date.now() + 20_000;
      while (appPids().length > 0) {
        if (Date.now() > deadline) throw new Error("the app did not exit after its session ended");
        await new Promise((r) => setTimeout(r, 50));
      }
    } else browser = s.browser;
  }
  const rootKey = await inPage(browser, () => document.querySelector('[data-testid="tree-row"]').getAttribute("data-key"));
  await shown(browser, rowSel(rootKey));

  // 2. Expansions: by mouse (twisty), then by keyboard (ArrowRight on the selected row).
  const expandedKeys = new Set();
  const series = [];
  for (const mode of ["click", "key"]) {
    const x = await expansionSeries(browser, expandedKeys, mode, EXPANSIONS);
    if (x.n < EXPANSIONS) log(`only ${x.n} rows with children were reachable (${mode})`);
    log(
      `expand (${mode}): p50 ${ms(percentile(x.dom, 50))}, p95 ${ms(percentile(x.dom, 95))}, max ${ms(x.dom.at(-1))} (n = ${x.n}, up to ${x.maxChildren} children); ` +
        `the children call p50 ${ms(percentile(x.ipc, 50))}, p95 ${ms(percentile(x.ipc, 95))} (n = ${x.ipc.length})`,
    );
    series.push(x);
  }

  // 3. The diff panel (first open: from head - 1 to head).
  const diff = await measureDiffOpen(browser);
  if (!diff) throw new Error("the diff summary did not appear within 60 s");
  await shown(browser, tid("diff-summary"));
  const diffIpc = /^Comparing/.test(diff.lastCall ?? "") ? parseLastCall(diff.lastCall) : null;
  log(`diff open (${diff.range} ${JSON.stringify(diff.counts)}): ${ms(diff.ms)} (next frame ${ms(diff.frameMs)}; the diff_versions call ${diffIpc === null ? "?" : ms(diffIpc)})`);

  // 4. Memory after the diff.
  const appPid = appPids()[0];
  const procs = withDescendants(appPid).map(memoryOf);
  const rssKb = procs.reduce((a, p) => a + p.rssKb, 0);
  const pssKb = procs.every((p) => p.pssKb !== null) ? procs.reduce((a, p) => a + p.pssKb, 0) : null;
  const pg = postgresProcesses(env.dataDir).map(memoryOf);
  const pgPssKb = pg.reduce((a, p) => a + (p.pssKb ?? 0), 0);
  log(`memory: ${procs.map((p) => `${p.name} ${mb(p.rssKb)}`).join(" + ")} = RSS ${mb(rssKb)}${pssKb !== null ? `, PSS ${mb(pssKb)}` : ""}; embedded PostgreSQL (${pg.length} processes) PSS ${mb(pgPssKb)}`);

  await browser.deleteSession();

  // Figures.
  const firstPaint = median(starts.map((s) => s.sessionToFirstRow));
  const ownStart = median(starts.map((s) => s.processToFirstRow));
  const list = (f) => starts.map((s) => `${s.upperBound ? "≤ " : ""}${Math.round(f(s))}`).join(", ");
  const expandRow = (x) =>
    `| expand a node, ${x.mode === "click" ? "click on its twisty (also selects it: its details load at the same time)" : "ArrowRight on the selected row"} -> its child rows in the DOM (children never loaded before) | ` +
    `p50 ${ms(percentile(x.dom, 50))}, p95 ${ms(percentile(x.dom, 95))}, max ${ms(x.dom.at(-1))} (n = ${x.n}, up to ${x.maxChildren} children); next frame p95 ${ms(percentile(x.frame, 95))}` +
    (x.ipc.length > 0 ? `; the \`children\` call alone (as the app times it, n = ${x.ipc.length}) p50 ${ms(percentile(x.ipc, 50))}, p95 ${ms(percentile(x.ipc, 95))}` : "") +
    ` | p95 ≤ 50 ms | ${verdict(percentile(x.dom, 95), TARGETS.expandP95Ms)} |`;
  const profile = path.basename(path.dirname(env.studioBin));
  const cpu = os.cpus()[0]?.model?.replace(/\s+/g, " ").trim() ?? "?";
  const md = `
## Desktop app (WordNet nouns 3.0 -> 3.1)

\`bash scripts/bench-app.sh\` (tests/e2e/bench-app.mjs); written by the benchmark itself. WordNet 3.0 is
imported as v1 and 3.1 as v2 (head) with the CLI into a fresh data directory, then the app
(\`target/${profile}/dtrag-studio\`${profile === "debug" ? ": a debug build, dependencies at opt-level 1" : ""}; the UI is vite's production
build) is started through tauri-driver under Xvfb (1280x800); ${os.cpus().length} cores (${cpu}),
${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, other work running. Each start begins with the embedded
database stopped, as when a user starts the app. In-page timings are performance.now() (1 ms
resolution in WebKit) from the click to a MutationObserver seeing the result in the DOM; "next frame"
is the requestAnimationFrame callback after that.

| measure | figure | target | |
|---|---|---|---|
| first tree paint after start: session request (launches the app) -> first tree row in the DOM | ${ms(firstPaint)} (median of ${starts.length}: ${list((s) => s.sessionToFirstRow)} ms); next frame +${ms(median(starts.map((s) => s.firstRowToFrame)))} | ≤ 1.5 s | ${verdict(firstPaint, TARGETS.firstPaintMs)} |
| … of which the app's own start: process start -> first tree row | ${ms(ownStart)} (${list((s) => s.processToFirstRow)} ms; process -> page ${ms(median(starts.map((s) => s.processToNavigation)))}, page -> first row ${ms(median(starts.map((s) => s.navigationToFirstRow)))}) | | |
${series.map(expandRow).join("\n")}
| open the Diff tab, ${diff.range?.replace(/:$/, "")} (${diff.counts.added} added, ${diff.counts.removed} removed, ${diff.counts.renamed} renamed, ${diff.counts.moved} moved, ${diff.counts.edited} edited) -> summary in the DOM | ${ms(diff.ms)} (next frame ${ms(diff.frameMs)}; of which the \`diff_versions\` call ${diffIpc === null ? "?" : ms(diffIpc)}) | ≤ 500 ms | ${verdict(diff.ms, TARGETS.diffOpenMs)} |
| resident memory after the diff: dtrag-studio + its WebKit processes (sum of RSS, shared pages counted in each) | ${mb(rssKb)} (${procs.map((p) => `${p.name} ${mb(p.rssKb)}`).join(", ")})${pssKb !== null ? `; proportional (PSS) ${mb(pssKb)}` : ""} | ≤ 300 MB | ${verdict(rssKb / 1024, TARGETS.memoryMb)} |
| for information: the embedded PostgreSQL (not counted above) | PSS ${mb(pgPssKb)} (${pg.length} processes) | | |
`;
  writeSection(md);
  console.log(md.trim());
  console.log(`\n(written to ${path.relative(ROOT, BENCH_FILE)}; head v${head})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
