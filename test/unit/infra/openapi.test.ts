import { describe, expect, it } from "vitest";
import { MAX_PAGE_SIZE } from "#domain/kernel/paging.ts";
import { manifest } from "../../../infra/manifest.ts";
import { buildOpenApi, contractOf } from "../../../infra/openapi.ts";
import { exampleCity } from "../../support/city.ts";

type Parameter = { name: string; in: string; required?: boolean; schema?: Record<string, unknown> };

/** The routes that move credit need a key; an exchange transition needs one only to confirm. */
const idempotency: Record<string, boolean> = {
  "POST /exchanges/{exchangeId}/transitions": false,
  "POST /exchanges/{exchangeId}/resolution": true,
  "POST /pot/donations": true,
  "POST /pot/grants": true,
  "POST /transfers/{transferId}/reversal": true,
  "POST /organisations/{memberId}/awards": true,
  "POST /activities/{activityId}/redemptions": true,
  "POST /organisations/{memberId}/redemption-requests": true,
  "POST /redemption-requests/{requestId}/approval": true,
  "POST /me/exports": false,
};

describe("the OpenAPI document", async () => {
  const doc = (await buildOpenApi(exampleCity())) as {
    openapi: string;
    servers: { url: string }[];
    paths: Record<
      string,
      Record<string, { parameters: Parameter[]; security?: unknown; responses: Record<string, unknown> }>
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
      if (!contract.csv && !contract.zip && !contract.html) expect(contract.response).toBeDefined();
      for (const param of route.path.matchAll(/\{(\w+)\}/g)) {
        expect(operation?.parameters).toContainEqual(expect.objectContaining({ name: param[1], in: "path" }));
      }
      expect(Boolean(operation?.security)).toBe(route.auth);
      // A route that needs a token can answer 401; a public one cannot.
      expect("401" in (operation?.responses ?? {})).toBe(route.auth);
    },
  );

  it.each(manifest.routes.map((r) => [`${r.method} ${r.path}`] as const))(
    "declares the Idempotency-Key header on %s exactly when the route takes one",
    async (key) => {
      const [method = "", path = ""] = key.split(" ");
      const header = doc.paths[path]?.[method.toLowerCase()]?.parameters.find(
        (p) => p.in === "header" && p.name.toLowerCase() === "idempotency-key",
      );
      if (!(key in idempotency)) {
        expect(header).toBeUndefined();
        return;
      }
      expect(header).toMatchObject({
        name: "Idempotency-Key",
        required: idempotency[key],
        schema: { type: "string", pattern: "^[A-Za-z0-9_-]{8,128}$" },
      });
    },
  );

  it("documents limit as a whole number from 1 to the page maximum on every list", () => {
    const limits = Object.values(doc.paths).flatMap((operations) =>
      Object.values(operations).flatMap((o) =>
        o.parameters.filter((p) => p.in === "query" && p.name === "limit"),
      ),
    );
    expect(limits.length).toBeGreaterThan(5);
    for (const limit of limits) {
      expect(limit.schema).toEqual({ type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE });
    }
  });

  it("documents query values that are numbers as numbers (the search's day and radius)", () => {
    const search = doc.paths["/posts"]?.get?.parameters ?? [];
    expect(search.find((p) => p.name === "day")?.schema).toEqual({ type: "integer", minimum: 0, maximum: 6 });
    expect(search.find((p) => p.name === "radiusKm")?.schema).toMatchObject({ type: "number" });
  });
});
