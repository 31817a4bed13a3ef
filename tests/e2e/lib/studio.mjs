// Helpers for driving DT-RAG Studio through tauri-driver (WebdriverIO 9, WebDriver classic) and for
// checking what it wrote with the dtrag CLI. Run through scripts/e2e.sh, which provides the
// environment: TAURI_DRIVER_PORT, DTRAG_STUDIO_BIN, DTRAG_CLI_BIN and the DTRAG_DATA_DIR that
// tauri-driver (and so the app) was started with.
//
// Notes on WebKitWebDriver that shaped these helpers:
// - Never send WebDriver commands concurrently (no Promise.all over elements): WebKitWebDriver
//   crashed on that here.
// - Element "text" drops the labels of tree rows (overflow: hidden + ellipsis), so text is read
//   from textContent.
// - isEnabled() ignores a disabled <fieldset>; `:disabled` is checked in the page instead.
// - browser.keys("text") presses all keys down then up, which loses repeated letters: type text
//   with element.addValue() (Element Send Keys), use browser.keys() for single keys and chords.
// - Take Screenshot waits for the page's next presentation update, and under Xvfb an idle page
//   never has one: the command hangs. takePng() keeps a 1-pixel element repainting meanwhile.
// - Choosing an <option> does not focus its <select>, which WebKit needs to fire `change` after
//   the page set the value itself: selectValue() focuses the select first, as a user's click does.
// - HTML5 drag and drop cannot be driven with pointer actions (dragstart fires, dragover/drop never
//   do), so drags are dispatched as DragEvents in the page.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote, Key } from "webdriverio";

export { Key };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the end-to-end tests through scripts/e2e.sh`);
  return v;
}

export const env = {
  get port() {
    return Number(required("TAURI_DRIVER_PORT"));
  },
  get dataDir() {
    return required("DTRAG_DATA_DIR");
  },
  get studioBin() {
    return process.env.DTRAG_STUDIO_BIN || path.join(ROOT, "target/debug/dtrag-studio");
  },
  get cliBin() {
    return process.env.DTRAG_CLI_BIN || path.join(ROOT, "target/debug/dtrag");
  },
  /** Where screenshots go (docs/screenshots unless DTRAG_E2E_SCREENSHOTS says otherwise; "0" = none). */
  get screenshotDir() {
    const v = process.env.DTRAG_E2E_SCREENSHOTS;
    if (v === "0") return null;
    return v ? path.resolve(v) : path.join(ROOT, "docs/screenshots");
  },
  /** Where failure screenshots go (scripts/e2e.sh: target/e2e-artifacts). */
  get failureDir() {
    return process.env.DTRAG_E2E_ARTIFACTS || null;
  },
};

/** A new WebDriver session: tauri-driver starts the app. */
export async function openStudio() {
  const browser = await remote({
    hostname: "127.0.0.1",
    port: env.port,
    logLevel: process.env.DTRAG_E2E_LOGLEVEL || "error",
    connectionRetryTimeout: 120_000,
    connectionRetryCount: 0,
    waitforTimeout: 20_000,
    waitforInterval: 50,
    capabilities: {
      "tauri:options": { application: env.studioBin },
      "wdio:enforceWebDriverClassic": true,
    },
  });
  await browser.setTimeout({ implicit: 0, script: 120_000 });
  return browser;
}

// ---- selectors ----------------------------------------------------------------------------

/** `[data-testid="id"]` plus an optional suffix. */
export const tid = (id, more = "") => `[data-testid="${id}"]${more}`;

/** The tree's row-id separator (keys never contain control characters). */
export const SEP = "\u001f";

/** CSS string content for a value that may hold the row-id separator. */
function cssString(s) {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\u001f/g, "\\1f ");
}

/** Rows showing `key` (a multi-parent node has several). */
export const rowSel = (key) => `${tid("tree-row")}[data-key="${cssString(key)}"]`;

/** The one row at `path` (keys from a root down to the node). */
export const rowAt = (pathKeys) => `${tid("tree-row")}[data-row-id="${cssString(pathKeys.join(SEP))}"]`;

// ---- reading the page -----------------------------------------------------------------------

/** textContent of an element (or of the first match of a selector), whitespace collapsed. */
export async function textOf(browser, elOrSel) {
  const el = typeof elOrSel === "string" ? await browser.$(elOrSel) : elOrSel;
  const t = await el.getProperty("textContent");
  return String(t ?? "").replace(/\s+/g, " ").trim();
}

/** Runs `fn(...args)` in the page. */
export function inPage(browser, fn, ...args) {
  return browser.execute(fn, ...args);
}

/** The label text of the row at `path` (or of the first row of `key`), as shown (pending + old). */
export async function rowLabel(browser, keyOrPath) {
  const sel = Array.isArray(keyOrPath) ? rowAt(keyOrPath) : rowSel(keyOrPath);
  return textOf(browser, `${sel} .row-label`);
}

/** Keys of the rows in the DOM, in order. */
export function rowKeys(browser) {
  return inPage(browser, () => [...document.querySelectorAll('[data-testid="tree-row"]')].map((e) => e.getAttribute("data-key")));
}

/** Row ids (paths) of the selected rows. */
export function selectedRowIds(browser) {
  return inPage(browser, () =>
    [...document.querySelectorAll('[data-testid="tree-row"][aria-selected="true"]')].map((e) => e.getAttribute("data-row-id")),
  );
}

/** Keys of the selected rows. */
export function selectedKeys(browser) {
  return inPage(browser, () =>
    [...document.querySelectorAll('[data-testid="tree-row"][aria-selected="true"]')].map((e) => e.getAttribute("data-key")),
  );
}

/** Whether the first match of `sel` is disabled (also through a disabled fieldset). */
export function isDisabled(browser, sel) {
  return inPage(browser, (s) => {
    const el = document.querySelector(s);
    if (!el) throw new Error(`no element ${s}`);
    return el.matches(":disabled");
  }, sel);
}

/** Number of elements matching `sel`. */
export function countOf(browser, sel) {
  return inPage(browser, (s) => document.querySelectorAll(s).length, sel);
}

/** The id of the tab whose panel is shown ("details", "diff", ...). */
export function activeTab(browser) {
  return inPage(browser, () => document.querySelector('[role="tab"][aria-selected="true"]')?.getAttribute("data-testid")?.replace(/^tab-/, ""));
}

// ---- waiting --------------------------------------------------------------------------------

/**
 * Waits until `read()` returns a value accepted by `expected` (a value compared with deepEqual, a
 * RegExp for strings, or a predicate) and returns it. On timeout the error shows the last value.
 */
export async function waitFor(browser, read, expected, { timeout = 20_000, what = "value" } = {}) {
  let ok;
  let want;
  if (typeof expected === "function") {
    ok = expected;
    want = expected.toString();
  } else if (expected instanceof RegExp) {
    ok = (v) => typeof v === "string" && expected.test(v);
    want = expected.toString();
  } else {
    ok = (v) => {
      try {
        assert.deepEqual(v, expected);
        return true;
      } catch {
        return false;
      }
    };
    want = JSON.stringify(expected);
  }
  let last;
  try {
    await browser.waitUntil(
      async () => {
        last = await read();
        return ok(last);
      },
      { timeout, interval: 50 },
    );
  } catch (e) {
    const detail = e?.message?.includes("timed out") || e?.message?.includes("waitUntil") ? "" : ` (${e?.message})`;
    throw new Error(`timed out after ${timeout} ms waiting for ${what}: last ${JSON.stringify(last)}, expected ${want}${detail}`);
  }
  return last;
}

/** Waits for the textContent of `sel` to match `expected` (string = equal, RegExp, or predicate). */
export function waitForText(browser, sel, expected, opts = {}) {
  return waitFor(
    browser,
    async () => {
      const el = await browser.$(sel);
      return (await el.isExisting()) ? textOf(browser, el) : null;
    },
    expected,
    { what: `the text of ${sel}`, ...opts },
  );
}

/** Waits for `sel` to be displayed and returns the element. */
export async function shown(browser, sel, timeout = 20_000) {
  const el = await browser.$(sel);
  await el.waitForDisplayed({ timeout, timeoutMsg: `${sel} was not displayed within ${timeout} ms` });
  return el;
}

/** Waits for `sel` to be gone from the DOM. */
export async function gone(browser, sel, timeout = 20_000) {
  const el = await browser.$(sel);
  await el.waitForExist({ reverse: true, timeout, timeoutMsg: `${sel} still exists after ${timeout} ms` });
}

// ---- acting ---------------------------------------------------------------------------------

/** Replaces the text of an input / textarea the way a user does: focus, select all, type. */
export async function replaceText(browser, sel, text) {
  const el = await shown(browser, sel);
  await el.click();
  await browser.keys([Key.Ctrl, "a"]);
  await browser.keys([Key.Backspace]);
  if (text !== "") await el.addValue(text);
  await waitFor(browser, () => el.getValue(), text, { what: `the value of ${sel}` });
  return el;
}

/** Clicks the label of a row (selects it and focuses the tree). */
export async function clickRow(browser, sel) {
  const el = await shown(browser, `${sel} .row-label`);
  await el.click();
  await waitFor(browser, async () => (await browser.$(sel)).getAttribute("aria-selected"), "true", { what: `${sel} selected` });
}

/**
 * Expands the rows along `pathKeys` (root first) with the twisty, waiting each time for the
 * children to be in the DOM.
 */
export async function expandPath(browser, pathKeys) {
  for (let i = 1; i < pathKeys.length; i++) {
    const p = pathKeys.slice(0, i);
    const row = await shown(browser, rowAt(p));
    if ((await row.getAttribute("aria-expanded")) !== "true") {
      await (await row.$(tid("tree-toggle"))).click();
    }
    await shown(browser, rowAt(pathKeys.slice(0, i + 1)));
  }
}

/**
 * Picks an <option> of a <select> by value, as a user does: the select gets the focus (a user's
 * click on it does that), then the option is chosen.
 */
export async function selectValue(browser, sel, value) {
  const el = await shown(browser, sel);
  // WebKitWebDriver chooses the option without focusing the <select>, and WebKit fires `change`
  // only when the choice differs from the selection saved at the last focus or user change: after
  // the app set the value itself (Back to head, publish, rollback), choosing the option chosen last
  // would then fire nothing. A real click focuses the select first, which saves the selection.
  await inPage(browser, (e) => {
    e.blur();
    e.focus();
  }, el);
  await el.selectByAttribute("value", String(value));
  await waitFor(browser, () => el.getValue(), String(value), { what: `the value of ${sel}` });
}

/**
 * Drags the row `fromSel` onto the row `toSel` with DOM drag events (dragstart, dragenter,
 * dragover, drop, dragend) sharing one DataTransfer, as the browser does for a mouse drag.
 */
export async function dragRowOnto(browser, fromSel, toSel) {
  await shown(browser, fromSel);
  await shown(browser, toSel);
  await inPage(
    browser,
    (from, to) => {
      const src = document.querySelector(from);
      const dst = document.querySelector(to);
      const dt = new DataTransfer();
      const fire = (el, type) => el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, composed: true, dataTransfer: dt }));
      fire(src, "dragstart");
      fire(dst, "dragenter");
      fire(dst, "dragover");
      fire(dst, "drop");
      fire(src, "dragend");
    },
    fromSel,
    toSel,
  );
}

/**
 * The window as PNG bytes. WebKitWebDriver's screenshot waits for the next presentation update,
 * which an idle page under Xvfb never has (the command then hangs): a 1-pixel element in the
 * bottom-right corner changes between two nearly transparent colours on every frame meanwhile.
 */
export async function takePng(browser, timeout = 30_000) {
  await inPage(browser, () => {
    document.getElementById("__e2e_repaint")?.remove();
    const el = document.createElement("div");
    el.id = "__e2e_repaint";
    el.style.cssText = "position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647";
    document.body.appendChild(el);
    let n = 0;
    const end = performance.now() + 60_000;
    const step = () => {
      if (!el.isConnected) return;
      if (performance.now() > end) return el.remove();
      el.style.background = n++ % 2 ? "rgba(255,255,255,0.01)" : "rgba(255,255,255,0.02)";
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  let timer;
  try {
    const b64 = await Promise.race([
      browser.takeScreenshot(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no screenshot within ${timeout} ms`)), timeout);
      }),
    ]);
    return Buffer.from(b64, "base64");
  } finally {
    clearTimeout(timer);
    await inPage(browser, () => document.getElementById("__e2e_repaint")?.remove()).catch(() => undefined);
  }
}

/** Saves a screenshot of the window as docs/screenshots/NAME.png (kept under about 300 KB). */
export async function screenshot(browser, name) {
  const dir = env.screenshotDir;
  if (!dir) return null;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  // takePng + write: WebdriverIO's saveScreenshot hangs like a plain takeScreenshot (see takePng).
  const png = await takePng(browser);
  fs.writeFileSync(file, png);
  if (png.length > 300 * 1024) {
    // Fewer colours: the UI is flat, 256 colours are plenty.
    try {
      execFileSync("convert", [file, "-colors", "256", `PNG8:${file}`]);
    } catch {
      /* imagemagick missing: keep the full-colour file */
    }
  }
  return file;
}

/** A screenshot for diagnosing a failure (scripts/e2e.sh: in target/e2e-artifacts). */
export async function failureShot(browser, name) {
  const dir = env.failureDir;
  if (!dir || !browser) return null;
  try {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `failure-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    fs.writeFileSync(file, await takePng(browser, 10_000));
    return file;
  } catch {
    return null;
  }
}

// ---- the CLI on the same data directory --------------------------------------------------------

/** Runs `dtrag --data-dir DIR ARGS…` and returns stdout. */
export function cliText(...args) {
  const childEnv = { ...process.env };
  delete childEnv.DATABASE_URL;
  return execFileSync(env.cliBin, ["--data-dir", env.dataDir, ...args], {
    encoding: "utf8",
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
}

/** Runs `dtrag --data-dir DIR --json ARGS…` and parses the output. */
export function cli(...args) {
  return JSON.parse(cliText("--json", ...args));
}

// ---- processes ----------------------------------------------------------------------------------

/** Pids of running dtrag-studio processes started with DTRAG_DATA_DIR=dataDir (from /proc). */
export function appPids(dataDir = env.dataDir, bin = env.studioBin) {
  const pids = [];
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const exe = fs.readlinkSync(`/proc/${name}/exe`).replace(/ \(deleted\)$/, "");
      if (exe !== bin) continue;
      const environ = fs.readFileSync(`/proc/${name}/environ`, "utf8").split("\0");
      if (environ.includes(`DTRAG_DATA_DIR=${dataDir}`)) pids.push(Number(name));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}
