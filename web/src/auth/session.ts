import { signal } from "@preact/signals";
import { config } from "../config.ts";

/** A signed-in person: a bearer token for the API, held in memory only. */
export interface Session {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * A way of signing in. The local runtime's development issuer is one; the Cognito app client
 * (authorization code with PKCE, tokens in memory, refresh as its library recommends) plugs in
 * the same way: `restore` finishes a redirect or renews a session, `signOut` ends it everywhere.
 */
export interface AuthProvider {
  restore(): Promise<Session | undefined>;
  signOut(): Promise<void>;
}

export const session = signal<Session | undefined>(undefined);

let provider: AuthProvider | undefined;

async function loadProvider(): Promise<AuthProvider> {
  if (provider) return provider;
  const { auth } = config();
  switch (auth.kind) {
    case "dev":
      provider = (await import("./dev.ts")).devProvider;
      break;
    case "cognito":
      provider = (await import("./cognito.ts")).cognitoProvider;
      break;
  }
  return provider;
}

/** Picks up a session that is still valid (after a reload or a sign-in redirect), if there is one. */
export async function restoreSession(): Promise<void> {
  session.value = await (await loadProvider()).restore();
}

export async function signOut(): Promise<void> {
  await (await loadProvider()).signOut();
  session.value = undefined;
}

/** The bearer token, or nothing once it has expired (the API would refuse it anyway). */
export function currentToken(): string | undefined {
  const current = session.value;
  if (!current) return undefined;
  if (current.expiresAt <= Date.now()) {
    session.value = undefined;
    return undefined;
  }
  return current.token;
}
