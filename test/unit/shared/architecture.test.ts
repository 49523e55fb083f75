import { describe, expect, it } from "vitest";
import { importCycles, importsOf, sourceFiles } from "../../support/import-graph.ts";

describe("the shape of shared/", () => {
  const files = sourceFiles("shared");
  const graph = new Map(files.map((file) => [file, importsOf(file)]));

  it("has no import cycle, type-only imports included", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it("keeps the domain free of storage, handlers and AWS", () => {
    const forbidden = [
      /^shared\/data\//,
      /^functions\//,
      /^infra\//,
      /^@aws-sdk\//,
      /^aws-lambda$/,
      /^@middy\//,
    ];
    const offending = files
      .filter((file) => file.startsWith("shared/domain/"))
      .flatMap((file) =>
        (graph.get(file) ?? [])
          .filter((target) => forbidden.some((rule) => rule.test(target)))
          .map((target) => `${file} -> ${target}`),
      );
    expect(offending).toEqual([]);
  });

  it("reads every import of the domain, aliases included", () => {
    // Guards the check itself: were `#domain/...` not resolved, no cycle or breach could be seen.
    const imports = graph.get("shared/domain/deps.ts") ?? [];
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((target) => files.includes(target) || !target.startsWith("#"))).toBe(true);
    expect(imports.some((target) => target.startsWith("shared/domain/"))).toBe(true);
  });
});

describe("importCycles", () => {
  it("finds a loop through several files and a file importing itself, and nothing in a tree", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", []],
      ["e", ["e"]],
    ]);
    expect(importCycles(graph)).toEqual([["a", "b", "c"], ["e"]]);
    expect(
      importCycles(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).toEqual([]);
  });
});
