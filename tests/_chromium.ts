/**
 * Headless Chromium for tests, driven over the DevTools protocol with Deno's own WebSocket.
 *
 * `launchChromium()` starts a fresh browser (new profile in a temp directory), `newPage()`
 * opens a tab that records console errors, uncaught exceptions and failed loads,
 * `goto()` loads a URL and waits for the load event, `evaluate()` runs JavaScript and returns
 * its (awaited, JSON-like) value, `screenshot()` writes a full-page PNG. With
 * `{ offline: true }` every request that is not `file:`, `data:`, `blob:` or `about:` fails,
 * as if the network were cut off; the refused URLs are kept in `page.blocked`.
 *
 * `close()` ends the browser (DevTools `Browser.close`, then SIGKILL after a grace period)
 * and removes the profile, so no process is left behind. Every protocol call has a timeout.
 *
 * @module
 */

import { commandSucceeds, type ToolStatus } from "../bin/_tools.ts";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-crash-reporter",
  "--disable-breakpad",
  "--disable-extensions",
  "--disable-dev-shm-usage",
  "--hide-scrollbars",
  "--mute-audio",
];

/** The Chromium binary: `$CHROMIUM_PATH`, else `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
}

let statusPromise: Promise<ToolStatus> | undefined;

/**
 * Finds out once whether Chromium runs here (`chromium --version`).
 *
 * @returns The status, for `skipWithout()` and `requireTool()`.
 */
export function chromiumStatus(): Promise<ToolStatus> {
  statusPromise ??= (async () => {
    const ok = await commandSucceeds(chromiumPath(), ["--version"]);
    return {
      name: "Chromium",
      available: ok,
      reason: ok ? "" : `${chromiumPath()} does not run (apt-get install chromium)`,
    };
  })();
  return statusPromise;
}

/** Options of `launchChromium()`. */
export interface LaunchOptions {
  /** Refuse every request that is not `file:`, `data:`, `blob:` or `about:`. */
  offline?: boolean;
  /** Viewport width in CSS pixels (default 1200). */
  width?: number;
  /** Viewport height in CSS pixels (default 900). */
  height?: number;
  /** Time limit of the launch and of each protocol call, in milliseconds (default 30000). */
  timeoutMs?: number;
}

type Params = Record<string, unknown>;
type Listener = (method: string, params: Params) => void;

/** One DevTools WebSocket; commands are matched to replies by id. */
class Connection {
  #ws: WebSocket;
  #nextId = 1;
  #pending = new Map<number, { resolve: (v: Params) => void; reject: (e: Error) => void }>();
  #listeners = new Map<string, Listener>();
  #closed: Promise<void>;
  #timeoutMs: number;

  private constructor(ws: WebSocket, timeoutMs: number) {
    this.#ws = ws;
    this.#timeoutMs = timeoutMs;
    this.#closed = new Promise((resolve) => ws.addEventListener("close", () => resolve()));
    ws.addEventListener("message", (event) => this.#onMessage(String(event.data)));
    ws.addEventListener("close", () => {
      for (const { reject } of this.#pending.values()) {
        reject(new Error("Chromium closed the DevTools connection"));
      }
      this.#pending.clear();
    });
  }

  static async open(url: string, timeoutMs: number): Promise<Connection> {
    const ws = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener("error", () => reject(new Error(`Cannot connect to ${url}`)), {
        once: true,
      });
    });
    return new Connection(ws, timeoutMs);
  }

  #onMessage(text: string): void {
    const msg = JSON.parse(text) as {
      id?: number;
      result?: Params;
      error?: { message: string };
      method?: string;
      params?: Params;
      sessionId?: string;
    };
    if (msg.id !== undefined) {
      const waiter = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      if (msg.error) waiter?.reject(new Error(`DevTools: ${msg.error.message}`));
      else waiter?.resolve(msg.result ?? {});
    } else if (msg.method) {
      this.#listeners.get(msg.sessionId ?? "")?.(msg.method, msg.params ?? {});
    }
  }

  listen(sessionId: string, listener: Listener): void {
    this.#listeners.set(sessionId, listener);
  }

  send(method: string, params: Params = {}, sessionId?: string): Promise<Params> {
    const id = this.#nextId++;
    return new Promise<Params>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`DevTools: ${method} timed out after ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.#ws.send(JSON.stringify({ id, method, params, sessionId }));
    });
  }

  async close(): Promise<void> {
    if (this.#ws.readyState !== WebSocket.CLOSED) this.#ws.close();
    await this.#closed;
  }
}

/** Sleeps, or ends early (returning true) when `done` settles first. */
async function sleepOrDone(ms: number, done: Promise<unknown>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const result = await Promise.race([done.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}

/** A running headless Chromium. Close it with `close()` or `await using`. */
export class Browser {
  #child: Deno.ChildProcess;
  #conn: Connection;
  #profile: string;
  #stderr: Promise<void>;
  #options: Required<LaunchOptions>;
  #pages = new Set<Page>();
  #closing?: Promise<void>;

  /** @internal Use `launchChromium()`. */
  constructor(
    child: Deno.ChildProcess,
    conn: Connection,
    profile: string,
    stderr: Promise<void>,
    options: Required<LaunchOptions>,
  ) {
    this.#child = child;
    this.#conn = conn;
    this.#profile = profile;
    this.#stderr = stderr;
    this.#options = options;
  }

  /** The temporary profile folder (removed by `close()`); every Chromium process names it. */
  get profile(): string {
    return this.#profile;
  }

  /**
   * Opens a blank tab that records errors (and, when offline, refuses the network).
   *
   * @returns The page.
   */
  async newPage(): Promise<Page> {
    const { targetId } = await this.#conn.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.#conn.send("Target.attachToTarget", {
      targetId,
      flatten: true,
    });
    const page = new Page(this.#conn, String(targetId), String(sessionId), this.#options);
    await page.init();
    this.#pages.add(page);
    return page;
  }

  /** Ends the browser and removes its profile; safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const exited = this.#child.status;
    await this.#conn.send("Browser.close").catch(() => {});
    if (!await sleepOrDone(5000, exited)) {
      try {
        this.#child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
    await exited;
    await this.#conn.close();
    await this.#stderr;
    await removeDir(this.#profile);
  }

  /** Closes the browser at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

async function removeDir(path: string): Promise<void> {
  // Chromium may still be flushing its profile for a moment after exit.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await Deno.remove(path, { recursive: true });
      return;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** One tab. Read `errors` after loading and evaluating to see what went wrong in the page. */
export class Page {
  /** Console errors, uncaught exceptions and failed loads, in order. */
  readonly errors: string[] = [];
  /** Console warnings, in order. */
  readonly warnings: string[] = [];
  /** URLs refused because the browser was launched offline. */
  readonly blocked: string[] = [];
  #conn: Connection;
  #targetId: string;
  #sessionId: string;
  #options: Required<LaunchOptions>;
  #eventWaiters = new Map<string, (params: Params) => void>();

  /** @internal Use `Browser.newPage()`. */
  constructor(
    conn: Connection,
    targetId: string,
    sessionId: string,
    options: Required<LaunchOptions>,
  ) {
    this.#conn = conn;
    this.#targetId = targetId;
    this.#sessionId = sessionId;
    this.#options = options;
  }

  #send(method: string, params: Params = {}): Promise<Params> {
    return this.#conn.send(method, params, this.#sessionId);
  }

  /** @internal Subscribes to the page's events. */
  async init(): Promise<void> {
    this.#conn.listen(this.#sessionId, (method, params) => this.#onEvent(method, params));
    await this.#send("Page.enable");
    await this.#send("Runtime.enable");
    await this.#send("Log.enable");
    await this.#send("Emulation.setDeviceMetricsOverride", {
      width: this.#options.width,
      height: this.#options.height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    if (this.#options.offline) {
      await this.#send("Fetch.enable", { patterns: [{ urlPattern: "*" }] });
    }
  }

  #onEvent(method: string, params: Params): void {
    this.#eventWaiters.get(method)?.(params);
    if (method === "Runtime.consoleAPICalled") {
      const args = (params.args as { value?: unknown; description?: string }[] | undefined) ?? [];
      const text = args.map((a) => a.description ?? String(a.value)).join(" ");
      if (params.type === "error" || params.type === "assert") this.errors.push(text);
      if (params.type === "warning") this.warnings.push(text);
    } else if (method === "Runtime.exceptionThrown") {
      const details = params.exceptionDetails as {
        text: string;
        exception?: { description?: string };
      };
      this.errors.push(details.exception?.description ?? details.text);
    } else if (method === "Log.entryAdded") {
      const entry = params.entry as { level: string; text: string; url?: string };
      if (entry.level === "error") {
        this.errors.push(entry.url ? `${entry.text} (${entry.url})` : entry.text);
      }
    } else if (method === "Fetch.requestPaused") {
      const requestId = params.requestId;
      const url = (params.request as { url: string }).url;
      if (/^(file|data|blob|about):/.test(url)) {
        this.#send("Fetch.continueRequest", { requestId }).catch(() => {});
      } else {
        this.blocked.push(url);
        this.#send("Fetch.failRequest", { requestId, errorReason: "InternetDisconnected" })
          .catch(() => {});
      }
    }
  }

  #nextEvent(method: string): Promise<Params> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#eventWaiters.delete(method);
        reject(new Error(`Chromium: no ${method} within ${this.#options.timeoutMs} ms`));
      }, this.#options.timeoutMs);
      this.#eventWaiters.set(method, (params) => {
        clearTimeout(timer);
        this.#eventWaiters.delete(method);
        resolve(params);
      });
    });
  }

  /**
   * Loads a URL (e.g. a `file:` URL from `toFileUrl()`) and waits for its load event.
   *
   * @param url The address.
   */
  async goto(url: string | URL): Promise<void> {
    const loaded = this.#nextEvent("Page.loadEventFired");
    const result = await this.#send("Page.navigate", { url: String(url) });
    if (result.errorText) {
      loaded.catch(() => {});
      throw new Error(`Chromium cannot load ${url}: ${result.errorText}`);
    }
    await loaded;
  }

  /**
   * Evaluates a JavaScript expression in the page, awaiting it when it is a promise.
   *
   * @param expression The code, e.g. `"document.title"` or `"(async () => { ... })()"`.
   * @returns The value, copied as JSON.
   */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const reply = await this.#send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    const details = reply.exceptionDetails as
      | { text: string; exception?: { description?: string } }
      | undefined;
    if (details) {
      throw new Error(`In the page: ${details.exception?.description ?? details.text}`);
    }
    return (reply.result as { value: T }).value;
  }

  /**
   * Writes a PNG of the whole page (up to `maxHeight` CSS pixels tall).
   *
   * @param path Where to write, e.g. `screenshotPath("name")`.
   * @param maxHeight Height limit in CSS pixels (default 16000).
   * @returns The PNG's size in bytes.
   */
  async screenshot(path: string, maxHeight = 16000): Promise<number> {
    const metrics = await this.#send("Page.getLayoutMetrics");
    const size = metrics.cssContentSize as { width: number; height: number };
    const clip = {
      x: 0,
      y: 0,
      width: Math.max(1, Math.ceil(Math.min(size.width, this.#options.width))),
      height: Math.max(1, Math.ceil(Math.min(size.height, maxHeight))),
      scale: 1,
    };
    const { data } = await this.#send("Page.captureScreenshot", {
      format: "png",
      clip,
      captureBeyondViewport: true,
    });
    const bytes = Uint8Array.from(atob(String(data)), (c) => c.charCodeAt(0));
    await Deno.writeFile(path, bytes);
    return bytes.length;
  }

  /** Closes the tab. */
  async close(): Promise<void> {
    await this.#conn.send("Target.closeTarget", { targetId: this.#targetId });
  }
}

/**
 * Starts headless Chromium with a fresh profile and connects to it.
 *
 * @param options Offline mode, viewport size and time limit.
 * @returns The browser; close it (or use `await using`) to end the process.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const opts: Required<LaunchOptions> = {
    offline: options.offline ?? false,
    width: options.width ?? 1200,
    height: options.height ?? 900,
    timeoutMs: options.timeoutMs ?? 30_000,
  };
  const profile = await Deno.makeTempDir({ prefix: "backprop_chromium_" });
  const child = new Deno.Command(chromiumPath(), {
    args: [
      ...FLAGS,
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      `--window-size=${opts.width},${opts.height}`,
      "about:blank",
    ],
    // Keep crash reports and caches inside the temporary profile too.
    env: { XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Keep the last few lines of Chromium's stderr for error messages.
  let stderrTail = "";
  const stderr = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) {
      stderrTail = (stderrTail + decoder.decode(chunk, { stream: true })).slice(-2000);
    }
  })();
  const fail = async (message: string): Promise<never> => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    await stderr;
    await removeDir(profile);
    throw new Error(`${message}\n${stderrTail}`);
  };

  // Chromium writes the port it picked (and the browser's WebSocket path) to this file.
  const deadline = Date.now() + opts.timeoutMs;
  let endpoint: string | undefined;
  while (!endpoint) {
    try {
      const [port, path] = (await Deno.readTextFile(`${profile}/DevToolsActivePort`)).split("\n");
      if (port && path) endpoint = `ws://127.0.0.1:${port}${path}`;
    } catch { /* not written yet */ }
    if (endpoint) break;
    if (await sleepOrDone(50, child.status)) return fail("Chromium exited at start");
    if (Date.now() > deadline) return fail(`Chromium did not start in ${opts.timeoutMs} ms`);
  }
  let conn: Connection;
  try {
    conn = await Connection.open(endpoint, opts.timeoutMs);
  } catch (e) {
    return fail(`Cannot reach Chromium's DevTools: ${(e as Error).message}`);
  }
  return new Browser(child, conn, profile, stderr, opts);
}

/**
 * Path of a screenshot in the git-ignored `screenshots/` folder at the repository root,
 * creating the folder.
 *
 * @param name File name without extension, e.g. `"02_mnist"`.
 * @returns The absolute path of `screenshots/<name>.png`.
 */
export function screenshotPath(name: string): string {
  const dir = new URL("../screenshots/", import.meta.url).pathname;
  Deno.mkdirSync(dir, { recursive: true });
  return `${dir}${name}.png`;
}

/**
 * The `file:` URL of an absolute path.
 *
 * @param path An absolute file path.
 * @returns Its URL.
 */
export function toFileUrl(path: string): string {
  return new URL(`file://${path.split("/").map(encodeURIComponent).join("/")}`).href;
}
