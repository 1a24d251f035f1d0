/**
 * Headless Chromium (Debian's `chromium` package) driven over the DevTools protocol with
 * chrome-remote-interface: open a page, collect what it writes to the console and every uncaught
 * error or failed load, read values from it, and take a full-page screenshot. The browser is ours
 * (a fresh profile, no network) and is ended by its own pid.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import CDP from "chrome-remote-interface";

/** Where Debian's package installs it; `CHROMIUM` names another binary. */
export const chromiumPath = (env: Readonly<Record<string, string | undefined>>): string =>
  env.CHROMIUM ?? "/usr/bin/chromium";

/**
 * Headless, as root in a container (no sandbox), and quiet on a machine without internet: no
 * background networking, component updates or sync, which would only fail here.
 */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
  "--remote-debugging-port=0",
  "--remote-debugging-address=127.0.0.1",
];

export interface PageVisit {
  /** Console messages of level warning or error, uncaught exceptions and failed loads, as text. */
  problems: string[];
  /** The value of each expression, evaluated in the loaded page (JSON-serialisable results). */
  values: unknown[];
  /** The full page as PNG. */
  screenshot: Buffer;
}

/** Starts Chromium and resolves with its DevTools port, read from the line it prints on stderr. */
const launch = (binary: string, profile: string): Promise<{ browser: ChildProcess; port: number }> =>
  new Promise((resolve, reject) => {
    const browser = spawn(binary, [...FLAGS, `--user-data-dir=${profile}`, "about:blank"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let seen = "";
    const timer = setTimeout(() => {
      browser.kill("SIGTERM");
      reject(new Error(`${binary} did not start within 30 s:\n${seen}`));
    }, 30_000);
    browser.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    browser.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const port = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(seen)?.[1];
      if (port === undefined) return;
      clearTimeout(timer);
      resolve({ browser, port: Number(port) });
    });
  });

/** Opens `url`, waits for its load event, evaluates `expressions` and screenshots the whole page. */
const visitWith = async (port: number, url: string, expressions: readonly string[]): Promise<PageVisit> => {
  const client = await CDP({ host: "127.0.0.1", port });
  try {
    const { Page, Runtime, Log, Emulation } = client;
    const problems: string[] = [];
    Runtime.consoleAPICalled(({ type, args }) => {
      if (type === "error" || type === "warning" || type === "assert")
        problems.push(`console.${type}: ${args.map((arg) => arg.value ?? arg.description).join(" ")}`);
    });
    Runtime.exceptionThrown(({ exceptionDetails }) =>
      problems.push(`uncaught: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`),
    );
    Log.entryAdded(({ entry }) => {
      if (entry.level === "error" || entry.level === "warning")
        problems.push(`${entry.source}: ${entry.text}`);
    });
    await Promise.all([Page.enable(), Runtime.enable(), Log.enable()]);
    const loaded = Page.loadEventFired();
    await Page.navigate({ url });
    await loaded;
    const values = [];
    for (const expression of expressions) {
      const { result, exceptionDetails } = await Runtime.evaluate({ expression, returnByValue: true });
      if (exceptionDetails) problems.push(`evaluating ${expression}: ${exceptionDetails.text}`);
      values.push(result.value);
    }
    // As wide as the widest element (a wide drawing scrolls inside its figure), then as tall as the page.
    const widest = await Runtime.evaluate({
      expression:
        "Math.max(...[...document.body.children].map((e) => e.scrollWidth + e.getBoundingClientRect().left))",
      returnByValue: true,
    });
    const width = Math.ceil(Math.max(800, Number(widest.result.value) || 0) + 16);
    await Emulation.setDeviceMetricsOverride({ width, height: 800, deviceScaleFactor: 1, mobile: false });
    const { cssContentSize } = await Page.getLayoutMetrics();
    const height = Math.ceil(cssContentSize.height);
    await Emulation.setDeviceMetricsOverride({ width, height, deviceScaleFactor: 1, mobile: false });
    const { data } = await Page.captureScreenshot({ format: "png", captureBeyondViewport: true });
    return { problems, values, screenshot: Buffer.from(data, "base64") };
  } finally {
    await client.close();
  }
};

/** Visits a page in a fresh headless Chromium, which is always ended (by its pid) and its profile removed. */
export const visitPage = async (
  binary: string,
  url: string,
  expressions: readonly string[],
): Promise<PageVisit> => {
  const profile = mkdtempSync(join(tmpdir(), "homelab-chromium-"));
  const { browser, port } = await launch(binary, profile);
  try {
    return await visitWith(port, url, expressions);
  } finally {
    const exited = new Promise((resolve) => browser.once("exit", resolve));
    browser.kill("SIGTERM");
    await exited;
    rmSync(profile, { recursive: true, force: true });
  }
};
