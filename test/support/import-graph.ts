// The import graph of the repository's own modules, read with the TypeScript compiler's pre-processor.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { repoRoot } from "../../infra/repo-root.ts";

/** package.json `imports`, so `#domain/x.ts` resolves to the file it names. */
const subpathImports: Record<string, string> = JSON.parse(
  readFileSync(path.join(repoRoot, "package.json"), "utf8"),
).imports;

/** The repository's .ts files under a folder, as repository paths. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => path.posix.join(dir, file.split(path.sep).join("/")))
    .sort();
}

/** A specifier as a repository path (a file of ours) or as itself (a package or node: module). */
function resolve(from: string, specifier: string): string {
  if (specifier.startsWith("."))
    return path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const [pattern, target] of Object.entries(subpathImports)) {
    const prefix = pattern.replace(/\*$/, "");
    if (specifier.startsWith(prefix)) {
      return path.posix.normalize(target.replace(/\*$/, "") + specifier.slice(prefix.length));
    }
  }
  return specifier;
}

/** Every module a file imports, type-only imports and re-exports included (a type cycle is a cycle). */
export function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(path.join(repoRoot, file), "utf8"), true, true);
  return info.importedFiles.map((ref) => resolve(file, ref.fileName));
}

/** Groups of files that import each other, directly or around a loop (Tarjan's algorithm). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      const selfLoop = (graph.get(node) ?? []).includes(node);
      if (group.length > 1 || selfLoop) cycles.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}
