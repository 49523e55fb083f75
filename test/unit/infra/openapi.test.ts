import { describe, expect, it } from "vitest";
import { manifest } from "../../../infra/manifest.ts";
import { buildOpenApi, contractOf } from "../../../infra/openapi.ts";
import { exampleCity } from "../../support/city.ts";

describe("the OpenAPI document", async () => {
  const doc = (await buildOpenApi(exampleCity())) as {
    openapi: string;
    servers: { url: string }[];
    paths: Record<
      string,
      Record<
        string,
        { parameters: { name: string; in: string }[]; security?: unknown; responses: Record<string, unknown> }
      >
    >;
  };

  it("is OpenAPI 3.1", () => {
    expect(doc.openapi).toBe("3.1.0");
  });

  it("names its server: /api on the web app's origin", () => {
    expect(doc.servers.map((s) => s.url)).toEqual(["/api"]);
  });

  it.each(manifest.routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "documents %s from its contract",
    async (_, route) => {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation).toBeDefined();
      const contract = await contractOf(route);
      expect(contract.summary.length).toBeGreaterThan(5);
      // The gateway and the handler agree on whether a token is needed.
      expect(contract.auth !== "public").toBe(route.auth);
      // Every JSON route declares what it answers; the integration harness checks answers against it.
      if (!contract.csv) expect(contract.response).toBeDefined();
      for (const param of route.path.matchAll(/\{(\w+)\}/g)) {
        expect(operation?.parameters).toContainEqual(expect.objectContaining({ name: param[1], in: "path" }));
      }
      expect(Boolean(operation?.security)).toBe(route.auth);
      // A route that needs a token can answer 401; a public one cannot.
      expect("401" in (operation?.responses ?? {})).toBe(route.auth);
    },
  );
});
