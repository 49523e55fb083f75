import { demoMembers, demoSubject } from "./demo.ts";
import type { DevSecondFactors } from "./dev-second-factor.ts";
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

function jsonBody(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The development sign-in the local web app uses: the demo people to pick from, and a token for a
 * demo person or any new name (a fresh login that has not joined yet), signed by the local issuer.
 * The token says the sign-in passed a second factor (`mutua:mfa`) unless asked with `mfa: false`;
 * with a `code`, only if the login has an authenticator app set up here and the code is current, as
 * Cognito's managed login asks for it. `/api/dev/second-factor/*` set one up, as Cognito's
 * AssociateSoftwareToken and VerifySoftwareToken do.
 * Only the local runtime serves these routes; they are not in the manifest, so no cloud build has them.
 */
export function devSignInRoutes(issuer: DevIssuer, factors: DevSecondFactors): Record<string, LocalRoute> {
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
        const request = jsonBody(body);
        if (!request) return refuse(400, "MALFORMED_JSON", "The body is not a JSON object");
        const { name, mfa, code } = request;
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
        if (mfa !== undefined && typeof mfa !== "boolean") {
          return refuse(400, "VALIDATION_FAILED", "mfa is true or false", "mfa");
        }
        if (code !== undefined && (typeof code !== "string" || !factors.check(demoSubject(handle), code))) {
          return refuse(
            400,
            "VALIDATION_FAILED",
            factors.isEnrolled(demoSubject(handle))
              ? "The code is not the one the authenticator app shows now"
              : "This login has no authenticator app set up",
            "code",
          );
        }
        const ttlSeconds = 12 * 3600;
        return {
          body: {
            handle,
            token: await issuer.sign(demoSubject(handle), {
              ttlSeconds,
              mfa: code !== undefined || mfa !== false,
            }),
            expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
          },
        };
      },
    },
    "POST /api/dev/second-factor/associate": {
      auth: true,
      handle: async ({ claims }) => {
        if (!claims?.sub) return refuse(401, "UNAUTHORIZED", "Sign in first");
        return { body: { secretCode: factors.associate(claims.sub) } };
      },
    },
    "POST /api/dev/second-factor/verify": {
      auth: true,
      handle: async ({ claims, body }) => {
        if (!claims?.sub) return refuse(401, "UNAUTHORIZED", "Sign in first");
        const code = jsonBody(body)?.code;
        if (typeof code !== "string" || !factors.verify(claims.sub, code)) {
          return refuse(
            400,
            "VALIDATION_FAILED",
            "The code is not the one the authenticator app shows now for the new key",
            "code",
          );
        }
        return { body: { status: "SUCCESS" } };
      },
    },
  };
}
