import { demoMembers, demoSubject } from "./demo.ts";
import type { LocalRoute } from "./http-adapter.ts";
import type { DevIssuer } from "./identity.ts";

/** A sign-in name as a login handle: "Greta Maes" -> "greta-maes". */
export function handleOf(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function refuse(status: number, code: string, message: string, path?: string) {
  return {
    status,
    body: { error: { code, message, ...(path ? { details: [{ path, message }] } : {}) } },
  };
}

/**
 * The development sign-in the local web app uses: the demo people to pick from, and a token for a
 * demo person or any new name (a fresh login that has not joined yet), signed by the local issuer.
 * Only the local runtime serves these routes; they are not in the manifest, so no cloud build has them.
 */
export function devSignInRoutes(issuer: DevIssuer): Record<string, LocalRoute> {
  return {
    "GET /api/dev/members": {
      auth: false,
      handle: async () => ({
        body: {
          items: demoMembers
            .filter((m) => m.kind === "person")
            .map((m) => ({
              handle: m.handle,
              displayName: m.displayName,
              status: m.status,
              roles: m.roles,
              area: m.area,
              coordinatorAreas: m.coordinatorAreas,
            })),
        },
      }),
    },
    "POST /api/dev/token": {
      auth: false,
      handle: async ({ body }) => {
        let name: unknown;
        try {
          name = (JSON.parse(body.toString("utf8")) as { name?: unknown }).name;
        } catch {
          return refuse(400, "MALFORMED_JSON", "The body is not JSON");
        }
        const handle = typeof name === "string" ? handleOf(name) : "";
        if (handle.length < 1 || handle.length > 40) {
          return refuse(400, "VALIDATION_FAILED", "A name needs 1 to 40 letters or digits", "name");
        }
        if (demoMembers.find((m) => m.handle === handle)?.kind === "organisation") {
          return refuse(
            422,
            "RULE_VIOLATION",
            "Organisations act through their admins and have no login",
            "name",
          );
        }
        const ttlSeconds = 12 * 3600;
        return {
          body: {
            handle,
            token: await issuer.sign(demoSubject(handle), { ttlSeconds }),
            expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
          },
        };
      },
    },
  };
}
