import type { AuthProvider, Session } from "./session.ts";
import { session } from "./session.ts";

/**
 * Development sign-in against the local runtime's issuer (`/api/dev/*`, never part of a cloud
 * deployment). The token lives in memory; only the chosen name is kept for the tab
 * (sessionStorage), so a reload signs the same person in again with a new token. That keeps no
 * token at rest and gives nothing away: locally anyone can ask the issuer for any name.
 */
const TAB_KEY = "mutua.dev.name";

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

async function mint(name: string): Promise<Session | DevSignInError> {
  const response = await fetch("/api/dev/token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json()) as { token: string; expiresAt: string } | { error: DevSignInError };
  if ("error" in body) return body.error;
  return { token: body.token, expiresAt: Date.parse(body.expiresAt) };
}

/** Signs in as a demo person or any new name; answers the API's error when the name is refused. */
export async function devSignIn(name: string): Promise<DevSignInError | undefined> {
  const result = await mint(name);
  if ("code" in result) return result;
  sessionStorage.setItem(TAB_KEY, name);
  session.value = result;
  return undefined;
}

export const devProvider: AuthProvider = {
  async restore() {
    const name = sessionStorage.getItem(TAB_KEY);
    if (!name) return undefined;
    const result = await mint(name);
    return "code" in result ? undefined : result;
  },
  async signOut() {
    sessionStorage.removeItem(TAB_KEY);
  },
};
