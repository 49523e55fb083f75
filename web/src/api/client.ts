import createClient from "openapi-fetch";
import { actingFor } from "../acting.ts";
import { currentToken, session } from "../auth/session.ts";
import { actForRoutes } from "./act-for.ts";
import type { components, paths } from "./schema.gen.ts";

/**
 * The typed client of the city's API, generated from its OpenAPI document: a route, parameter or
 * field that changes in the API breaks the app's typecheck, not a resident's screen.
 */
export const api = createClient<paths>({ baseUrl: "/api" });

api.use({
  onRequest({ request, schemaPath }) {
    const token = currentToken();
    if (token) request.headers.set("authorization", `Bearer ${token}`);
    // Acting for a member: the routes a member uses go out on their behalf, the coordinator's own do not.
    const acting = actingFor.value;
    if (acting && actForRoutes.has(`${request.method} ${schemaPath}`)) {
      request.headers.set("x-act-for", acting.memberId);
    }
    return request;
  },
  onResponse({ response }) {
    // The token ran out or was revoked: back to sign-in rather than a screen of errors.
    if (response.status === 401) session.value = undefined;
    return response;
  },
});

export type ApiError = components["schemas"]["Error"]["error"];
export type Schemas = components["schemas"];

/** The house error body of a failed call, or a stand-in when the network itself failed. */
export function apiError(error: unknown): ApiError {
  if (typeof error === "object" && error !== null && "error" in error) {
    const inner = (error as { error: unknown }).error;
    if (typeof inner === "object" && inner !== null && "code" in inner) return inner as ApiError;
  }
  return { code: "NETWORK", message: String(error) };
}

/** A fresh key for a request that moves credit, so a retried tap never moves it twice. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}
