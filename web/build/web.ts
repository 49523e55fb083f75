import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { repoRoot } from "../../infra/repo-root.ts";

export const webDir = resolve(repoRoot, "web");
export const distDir = resolve(webDir, "dist");
const STAMP = ".build-id";

/** Files a build depends on: the app's sources and settings, and the locked dependency versions. */
function inputs(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "dist" && entry.name !== "node_modules") walk(path);
      } else if (!entry.name.endsWith(".gen.ts")) {
        files.push(path);
      }
    }
  };
  walk(webDir);
  files.push(resolve(repoRoot, "package-lock.json"));
  return files.sort();
}

/** A digest of every input: the built app is current when its stamp holds the same digest. */
export function sourceDigest(): string {
  const hash = createHash("sha256");
  for (const file of inputs()) {
    hash.update(relative(repoRoot, file));
    hash.update(readFileSync(file));
  }
  return hash.digest("hex");
}

export function isWebBuildCurrent(): boolean {
  const stamp = resolve(distDir, STAMP);
  return existsSync(stamp) && readFileSync(stamp, "utf8") === sourceDigest();
}

/**
 * Builds the web app into web/dist unless it is already current. It builds into a fresh folder and
 * swaps it in, so a server reading web/dist meanwhile never sees half a build.
 */
export async function ensureWebBuilt(log: (line: string) => void = () => {}): Promise<"current" | "built"> {
  const digest = sourceDigest();
  const stamp = resolve(distDir, STAMP);
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === digest) return "current";
  const started = performance.now();
  log("Building the web app (web/dist is missing or older than its sources)…");
  const { build } = await import("vite");
  const staging = resolve(webDir, `.dist-${process.pid}-${Date.now()}`);
  try {
    await build({
      configFile: resolve(webDir, "vite.config.ts"),
      logLevel: "warn",
      build: { outDir: staging, emptyOutDir: true },
    });
    writeFileSync(resolve(staging, STAMP), digest);
    rmSync(distDir, { recursive: true, force: true });
    renameSync(staging, distDir);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  log(`Web app built in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  return "built";
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const result = await ensureWebBuilt(console.log);
  if (result === "current") console.log("The web app in web/dist is current.");
}
