import { idempotencyKeySchema } from "#domain/ledger/idempotency.ts";
import type { City } from "#shared/config/city.ts";
import * as z from "#shared/zod.ts";
import type { RouteContract } from "../functions/http/route.ts";
import { ACT_FOR_HEADER } from "../functions/http/route.ts";
import { loadHandler } from "./local/handlers.ts";
import { manifest as defaultManifest, type HttpRouteEntry, type Manifest } from "./manifest.ts";

type JsonSchema = Record<string, unknown>;

/** The contract a route module attached to its handler (see `httpRoute`). */
export async function contractOf(route: HttpRouteEntry): Promise<RouteContract> {
  const handler: unknown = await loadHandler(route.handler);
  const contract = typeof handler === "function" && "contract" in handler ? handler.contract : undefined;
  if (!contract || typeof contract !== "object") throw new Error(`${route.handler} has no route contract`);
  return contract as RouteContract;
}

function jsonSchema(schema: z.ZodMiniType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

/**
 * Query and path parameters from an object schema's properties. Every value arrives as text; one
 * the schema parses into a number or a boolean is documented as that (`limit`: an integer from 1
 * to 50, not "up to three digits"), as OpenAPI describes parameters by their value.
 */
function parameters(schema: z.ZodMiniType | undefined, where: "query" | "path"): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, "input");
  const parsed = (jsonSchema(schema, "output").properties ?? {}) as Record<string, JsonSchema>;
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  const scalar = (property: JsonSchema | undefined) =>
    ["integer", "number", "boolean"].includes(String(property?.type));
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || required.has(name),
    schema: property.type === "string" && scalar(parsed[name]) ? parsed[name] : property,
  }));
}

/** The Idempotency-Key header of a route whose contract takes one. */
function idempotencyHeader(contract: RouteContract): JsonSchema[] {
  if (!contract.idempotency) return [];
  return [
    {
      name: "Idempotency-Key",
      in: "header",
      required: contract.idempotency === "required",
      description:
        contract.idempotency === "required"
          ? "Required: this request moves credit. A retry with the same key gets the first answer; the same key with another request gets 409."
          : "Required when this request moves credit (see the summary). A retry with the same key gets the first answer.",
      schema: jsonSchema(idempotencyKeySchema, "input"),
    },
  ];
}

const errorStatuses: Record<string, string> = {
  "400": "Invalid input; `details` names each field",
  "401": "Missing or invalid bearer token",
  "403": "Not allowed for this member",
  "404": "No such item (also when it exists but is not yours to see)",
  "409": "Conflicts with the current state",
  "413": "Request body too large",
  "415": "A request body that is not application/json",
  "422": "Breaks a rule of the time bank",
};

/**
 * Builds the OpenAPI 3.1 document from the manifest and each route's zod contract, so the
 * published API cannot drift from what the handlers validate.
 */
export async function buildOpenApi(city: City, manifest: Manifest = defaultManifest): Promise<JsonSchema> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of manifest.routes) {
    const contract = await contractOf(route);
    const success = String(contract.status ?? 200);
    const requestSchema = contract.body ? jsonSchema(contract.body, "input") : undefined;
    const operation: Record<string, unknown> = {
      operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, "").replace(/[/.](\w)/g, (_, c: string) => c.toUpperCase())}`,
      summary: contract.summary,
      parameters: [
        ...parameters(contract.path, "path"),
        ...parameters(contract.query, "query"),
        ...idempotencyHeader(contract),
        ...(contract.actFor
          ? [
              {
                name: ACT_FOR_HEADER,
                in: "header",
                required: false,
                description:
                  contract.actFor === "any-status"
                    ? "Act for this member (coordinators in scope, organisation admins), whatever their status"
                    : "Act for this member (coordinators in scope, organisation admins) while they are active",
                schema: { type: "string" },
              },
            ]
          : []),
      ],
      ...(contract.body
        ? {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                (contract.form
                  ? ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
                  : ["application/json"]
                ).map((type) => [type, { schema: requestSchema }]),
              ),
            },
          }
        : {}),
      responses: {
        [success]: {
          description: "Success",
          content: contract.zip
            ? { "application/zip": { schema: { type: "string", contentMediaType: "application/zip" } } }
            : contract.csv
              ? { "text/csv": { schema: { type: "string" } } }
              : contract.html
                ? { "text/html": { schema: { type: "string" } } }
                : {
                    "application/json": {
                      schema: contract.response ? jsonSchema(contract.response, "output") : {},
                    },
                  },
        },
        ...Object.fromEntries(
          Object.entries(errorStatuses)
            .filter(([status]) => route.auth || status !== "401")
            .map(([status, description]) => [
              status,
              {
                description,
                content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
              },
            ]),
        ),
      },
      ...(route.auth ? { security: [{ bearer: [] }] } : {}),
    };
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: `Mutua — ${city.name} time bank API`,
      version: "1",
      description: "Residents post offers and requests, coordinators help, exchanges settle hour for hour.",
    },
    // The API shares the web app's origin under /api, locally and at the edge.
    servers: [{ url: "/api", description: "This city's API, on the same origin as its web app" }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", description: "Stable: clients may switch on it" },
                message: { type: "string" },
                details: {
                  type: "array",
                  items: {
                    type: "object",
                    properties: { path: { type: "string" }, message: { type: "string" } },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
