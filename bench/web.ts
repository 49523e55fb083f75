import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { parseCityJson } from "#shared/config/city.ts";
import { DevIssuer } from "../infra/local/identity.ts";
import { startCityRuntime } from "../infra/local/runtime.ts";
import { repoRoot } from "../infra/repo-root.ts";
import { launchChromium } from "../test/e2e/support/chromium.ts";
import { distDir, ensureWebBuilt } from "../web/build/web.ts";

/** The first page may need at most this much JavaScript, gzip (issue: fast on a cheap phone). */
const FIRST_PAGE_BUDGET = 60 * 1024;
const RUNS = 3;

/** Lighthouse's "slow 4G" as DevTools applies it, and a 4x slower CPU. */
const SLOW_4G = {
  latency: 562.5,
  downloadThroughput: (1474.56 * 1024) / 8,
  uploadThroughput: (675 * 1024) / 8,
};
const CPU_SLOWDOWN = 4;

interface ManifestChunk {
  file: string;
  src?: string;
  isEntry?: boolean;
  isDynamicEntry?: boolean;
  imports?: string[];
  css?: string[];
}

const gzipBytes = (file: string) => gzipSync(readFileSync(resolve(distDir, file)), { level: 9 }).length;

/** Files a chunk needs before it runs: itself and its static imports, transitively. */
function closure(
  manifest: Record<string, ManifestChunk>,
  key: string,
  seen = new Set<string>(),
): Set<string> {
  const chunk = manifest[key];
  if (!chunk || seen.has(key)) return seen;
  seen.add(key);
  for (const imported of chunk.imports ?? []) closure(manifest, imported, seen);
  return seen;
}

/** Per screen, the JavaScript it loads on top of the entry (gzip bytes), from Vite's manifest. */
function bytesPerRoute(manifest: Record<string, ManifestChunk>) {
  const entryKey = Object.keys(manifest).find((k) => manifest[k]?.isEntry) ?? "";
  const entry = closure(manifest, entryKey);
  const sum = (keys: Iterable<string>) =>
    [...keys].reduce((n, k) => n + gzipBytes(manifest[k]?.file ?? ""), 0);
  const routes: Record<string, number> = {};
  for (const [key, chunk] of Object.entries(manifest)) {
    // Resident screens by their name; staff screens as staff-<name>, so both sit side by side.
    const match = /(pages|staff)\/([\w-]+)\.tsx$/.exec(chunk.src ?? key);
    if (!match?.[2] || match[2] === "bits" || match[2] === "chart") continue;
    const page = match[1] === "staff" ? `staff-${match[2]}` : match[2];
    const own = [...closure(manifest, key)].filter((k) => !entry.has(k));
    routes[page] = sum(own);
  }
  return { entryGzipBytes: sum(entry), routes };
}

interface PageLoad {
  jsGzipBytes: number;
  cssGzipBytes: number;
  lcpMs: number;
  totalBlockingTimeMs: number;
}

/** Loads a page in Chromium under the slow profile; LCP and long tasks from the page's own observers. */
async function measure(page: Page, url: string, ready: string): Promise<PageLoad> {
  const files = new Set<string>();
  page.on("response", (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith("/assets/")) files.add(path.slice(1));
  });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, ...SLOW_4G });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  // Observers installed before any page script (through the DevTools protocol, so CSP allows them).
  await page.addInitScript({
    content: `
      window.__lcp = 0; window.__fcp = 0; window.__long = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__lcp = e.startTime; })
        .observe({ type: "largest-contentful-paint", buffered: true });
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === "first-contentful-paint") window.__fcp = e.startTime; })
        .observe({ type: "paint", buffered: true });
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push({ start: e.startTime, duration: e.duration }); })
        .observe({ type: "longtask", buffered: true });`,
  });
  await page.goto(url, { waitUntil: "load" });
  await page.locator(ready).first().waitFor({ timeout: 60_000 });
  await page.waitForTimeout(2000);
  const timings = await page.evaluate<{
    lcp: number;
    fcp: number;
    long: { start: number; duration: number }[];
  }>("({ lcp: window.__lcp, fcp: window.__fcp, long: window.__long })");
  // Total blocking time: what each long task after the first paint spends past 50 ms.
  const tbt = timings.long
    .filter((t) => t.start >= timings.fcp)
    .reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0);
  const js = [...files].filter((f) => f.endsWith(".js"));
  const css = [...files].filter((f) => f.endsWith(".css"));
  return {
    jsGzipBytes: js.reduce((n, f) => n + gzipBytes(f), 0),
    cssGzipBytes: css.reduce((n, f) => n + gzipBytes(f), 0),
    lcpMs: Math.round(timings.lcp),
    totalBlockingTimeMs: Math.round(tbt),
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export async function run(): Promise<Record<string, unknown>> {
  await ensureWebBuilt((line) => console.error(`[bench] web: ${line}`));
  const manifestFile = resolve(distDir, ".vite/manifest.json");
  if (!existsSync(manifestFile)) throw new Error("web/dist has no .vite/manifest.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as Record<string, ManifestChunk>;
  const perRoute = bytesPerRoute(manifest);

  const city = parseCityJson(readFileSync(resolve(repoRoot, "cities/example.json"), "utf8"));
  const runtime = await startCityRuntime({
    city,
    issuer: await DevIssuer.ephemeral(),
    port: 0,
    tableName: "mutua-bench-web",
    useEnvironmentEndpoint: false,
    pollStreams: false,
    schedules: false,
  });
  const browser = await launchChromium();
  try {
    const signedOut: PageLoad[] = [];
    const home: PageLoad[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "en" });
      signedOut.push(await measure(await context.newPage(), `${runtime.url}/`, ".people button"));
      await context.close();
      // Signed in (the local sign-in keeps the name for the tab): the start screen a member sees.
      const member = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: "en" });
      await member.addInitScript({ content: `sessionStorage.setItem("mutua.dev.name", "amira")` });
      home.push(await measure(await member.newPage(), `${runtime.url}/`, ".cards"));
      await member.close();
      console.error(`[bench] web: run ${i + 1}/${RUNS}`);
    }
    const pick = (loads: PageLoad[], key: keyof PageLoad) => median(loads.map((l) => l[key]));
    return {
      runs: RUNS,
      profile:
        "360x740, 4x CPU slowdown, slow 4G (562.5 ms RTT, 1.47 Mbit/s down); files served uncompressed locally",
      firstPageJsBudgetGzipBytes: FIRST_PAGE_BUDGET,
      signInPageJsGzipBytes: pick(signedOut, "jsGzipBytes"),
      signInPageCssGzipBytes: pick(signedOut, "cssGzipBytes"),
      signInPageLcpMsMedian: pick(signedOut, "lcpMs"),
      signInPageTotalBlockingTimeMsMedian: pick(signedOut, "totalBlockingTimeMs"),
      homePageJsGzipBytes: pick(home, "jsGzipBytes"),
      homePageLcpMsMedian: pick(home, "lcpMs"),
      homePageTotalBlockingTimeMsMedian: pick(home, "totalBlockingTimeMs"),
      firstPageWithinBudget:
        Math.max(pick(signedOut, "jsGzipBytes"), pick(home, "jsGzipBytes")) <= FIRST_PAGE_BUDGET,
      entryGzipBytes: perRoute.entryGzipBytes,
      ...Object.fromEntries(
        Object.entries(perRoute.routes).map(([route, bytes]) => [`route_${route}_gzipBytes`, bytes]),
      ),
    };
  } finally {
    await browser.close();
    await runtime.stop();
  }
}
