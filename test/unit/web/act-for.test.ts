import { describe, expect, it } from "vitest";
import { buildOpenApi } from "../../../infra/openapi.ts";
import { actForRoutes } from "../../../web/src/api/act-for.ts";
import { exampleCity } from "../../support/city.ts";

/** The web client names the member acted for on exactly the routes whose contracts accept it. */
describe("the web client's acting-for routes", () => {
  it("are the routes the OpenAPI document gives an x-act-for header", async () => {
    const doc = (await buildOpenApi(exampleCity())) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, op]) => op.parameters?.some((p) => p.in === "header" && p.name === "x-act-for"))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect([...actForRoutes].sort()).toEqual(documented.sort());
  });
});
