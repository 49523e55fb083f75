import type { AuthProvider, Session } from "./session.ts";
import { session } from "./session.ts";

/**
 * Development sign-in against the local runtime's issuer (`/api/dev/*`, never part of a cloud
 * deployment). The token lives in memory; only the chosen name is kept for the tab
 * (sessionStorage), so a reload signs the same person in again with a new token. That keeps no
 * token at rest and gives nothing away: locally anyone can ask the issuer for any name.
 */
const TAB_KEY = "mutua.dev.name";
/** Set while the tab's sign-in skipped the second factor, so a reload does not add it. */
const NO_MFA_KEY = "mutua.dev.noMfa";

/** How a development sign-in treats the second factor: skipped, or a code from the login's app. */
export type DevFactor = { mfa: false } | { code: string } | Record<string, never>;

export interface DevPerson {
  handle: string;
  displayName: string;
  status: "pending" | "active" | "declined" | "suspended" | "closed";
  roles: ("resident" | "coordinator" | "admin")[];
  area: string;
  coordinatorAreas: string[];
}

export type DevSignInError = { code: string; message: string; details?: { path: string; message: string }[] };

export async function demoPeople(): Promise<DevPerson[]> {
  const response = await fetch("/api/dev/members");
  if (!response.ok) return [];
  return ((await response.json()) as { items: DevPerson[] }).items;
}

async function mint(name: string, factor: DevFactor = {}): Promise<Session | DevSignInError> {
  const response = await fetch("/api/dev/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, ...factor }),
  });
  const body = (await response.json()) as { token: string; expiresAt: string } | { error: DevSignInError };
  if ("error" in body) return body.error;
  return { token: body.token, expiresAt: Date.parse(body.expiresAt) };
}

/**
 * Signs in as a demo person or any new name; answers the API's error when the name (or the code)
 * is refused. The issuer marks the sign-in as having passed a second factor unless it is skipped.
 */
export async function devSignIn(name: string, factor: DevFactor = {}): Promise<DevSignInError | undefined> {
  const result = await mint(name, factor);
  if ("code" in result) return result;
  sessionStorage.setItem(TAB_KEY, name);
  if ("mfa" in factor) sessionStorage.setItem(NO_MFA_KEY, "1");
  else sessionStorage.removeItem(NO_MFA_KEY);
  session.value = result;
  return undefined;
}

/** The name the tab signed in with. */
export function devName(): string | undefined {
  return sessionStorage.getItem(TAB_KEY) ?? undefined;
}

async function call(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${session.value?.token ?? ""}` },
    body: JSON.stringify(body),
  });
}

/** A new authenticator-app key for this login from the local issuer, base32. */
export async function devAssociate(): Promise<string> {
  const response = await call("/api/dev/second-factor/associate", {});
  if (!response.ok) throw new Error(`associate: ${response.status}`);
  return ((await response.json()) as { secretCode: string }).secretCode;
}

/** Keeps the new key if the code comes from it; false when it does not. */
export async function devVerify(code: string): Promise<boolean> {
  const response = await call("/api/dev/second-factor/verify", { code });
  if (response.status === 400) return false;
  if (!response.ok) throw new Error(`verify: ${response.status}`);
  return true;
}

export const devProvider: AuthProvider = {
  async restore() {
    const name = sessionStorage.getItem(TAB_KEY);
    if (!name) return undefined;
    const result = await mint(name, sessionStorage.getItem(NO_MFA_KEY) ? { mfa: false } : {});
    return "code" in result ? undefined : result;
  },
  async signOut() {
    sessionStorage.removeItem(TAB_KEY);
    sessionStorage.removeItem(NO_MFA_KEY);
  },
};
