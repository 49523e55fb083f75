import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FunctionPlan } from "../manifest.ts";
import { repoRoot } from "../repo-root.ts";

/** Where synth writes the generated entry modules (git-ignored; rewritten on every synth). */
export const generatedEntriesDir = path.join(repoRoot, ".build", "http-entries");

const DISPATCH_MODULE = "functions/http/dispatch.ts";

/** An import specifier for a repository file, relative to the directory of the importing module. */
export function specifier(fromDir: string, repoPath: string): string {
  const relative = path.relative(fromDir, path.join(repoRoot, repoPath)).split(path.sep).join("/");
  return relative.startsWith(".") ? relative : `./${relative}`;
}

/**
 * The entry module of an HTTP feature function: it imports the handler module of each of its
 * routes and dispatches on `event.routeKey`. Generated from the manifest, so route handlers stay
 * the thin modules the local runtime calls directly. `fromDir` is where the module will live (or
 * esbuild's `resolveDir` for a stdin entry).
 */
export function httpEntrySource(plan: FunctionPlan, fromDir: string): string {
  if (plan.trigger !== "http") throw new Error(`${plan.name} is not an HTTP function`);
  const handlers = [...new Set(Object.values(plan.routes))];
  const local = new Map(handlers.map((handler, i) => [handler, `route${i}`]));
  return [
    `// Generated from infra/manifest.ts for the ${plan.name} function; do not edit.`,
    `import { dispatchByRouteKey } from ${JSON.stringify(specifier(fromDir, DISPATCH_MODULE))};`,
    ...handlers.map(
      (handler) =>
        `import { handler as ${local.get(handler)} } from ${JSON.stringify(specifier(fromDir, handler))};`,
    ),
    "",
    "export const handler = dispatchByRouteKey({",
    ...Object.entries(plan.routes).map(
      ([key, handler]) => `  ${JSON.stringify(key)}: ${local.get(handler)},`,
    ),
    "});",
    "",
  ].join("\n");
}

/** Writes the entry module of an HTTP function (only when its text changed) and returns its path. */
export function writeHttpEntry(plan: FunctionPlan, dir: string = generatedEntriesDir): string {
  return writeEntry(path.join(dir, `${plan.name}.ts`), httpEntrySource(plan, dir));
}

/** Writes a generated entry module, only when its text changed, and returns its path. */
export function writeEntry(file: string, source: string): string {
  const dir = path.dirname(file);
  if (existsSync(file) && readFileSync(file, "utf8") === source) return file;
  mkdirSync(dir, { recursive: true });
  // Write then rename: a synth running alongside (tests run in parallel) never reads half a file.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, source);
  renameSync(partial, file);
  return file;
}
