import { config } from "../config.ts";
import { locale } from "../i18n/index.ts";
import {
  authorizeUrl,
  type CognitoAuth,
  codeFrom,
  codeGrant,
  type Flight,
  isCallback,
  isTokenAnswer,
  logoutUrl,
  newFlight,
  refreshGrant,
} from "./pkce.ts";
import { type AuthProvider, type Session, session } from "./session.ts";

/**
 * Signing in with the city's managed login (Cognito): authorization code with PKCE, tokens in
 * memory only. The refresh token stays in this page's memory and renews the ID token a minute
 * before it expires; a reload forgets everything, and signing in again takes one click while the
 * managed login's own session lasts. Only the PKCE verifier and state wait in the tab
 * (sessionStorage) during the redirect: they are worthless once the code is exchanged.
 */
const FLIGHT_KEY = "mutua.signIn.flight";
const RENEW_BEFORE_MS = 60_000;

let refreshToken: string | undefined;
let accessToken: string | undefined;
let renewTimer: ReturnType<typeof setTimeout> | undefined;

function auth(): CognitoAuth {
  const current = config().auth;
  if (current.kind !== "cognito") throw new Error("The city does not sign in with Cognito");
  return current;
}

const redirectUri = () => `${location.origin}/`;

/** Leaves for the managed login, in the app's language where it speaks it. */
export async function startSignIn(): Promise<void> {
  const flight = newFlight((n) => crypto.getRandomValues(new Uint8Array(n)));
  sessionStorage.setItem(FLIGHT_KEY, JSON.stringify(flight));
  location.assign(await authorizeUrl(auth(), flight, redirectUri(), locale.value));
}

function takeFlight(): Flight | undefined {
  const text = sessionStorage.getItem(FLIGHT_KEY);
  sessionStorage.removeItem(FLIGHT_KEY);
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return undefined;
    const { state, verifier } = value as Record<string, unknown>;
    return typeof state === "string" && typeof verifier === "string" ? { state, verifier } : undefined;
  } catch {
    return undefined;
  }
}

async function tokens(body: URLSearchParams): Promise<Session | undefined> {
  const response = await fetch(new URL("/oauth2/token", auth().domain), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  if (!response.ok) return undefined;
  const answer: unknown = await response.json();
  if (!isTokenAnswer(answer)) return undefined;
  accessToken = answer.access_token;
  refreshToken = answer.refresh_token ?? refreshToken;
  const expiresAt = Date.now() + answer.expires_in * 1000;
  scheduleRenewal(expiresAt);
  return { token: answer.id_token, expiresAt };
}

function scheduleRenewal(expiresAt: number): void {
  if (renewTimer) clearTimeout(renewTimer);
  renewTimer = setTimeout(
    () => {
      const token = refreshToken;
      if (!token) return;
      void tokens(refreshGrant(auth(), token)).then((next) => {
        session.value = next;
      });
    },
    Math.max(0, expiresAt - Date.now() - RENEW_BEFORE_MS),
  );
}

function forget(): void {
  if (renewTimer) clearTimeout(renewTimer);
  renewTimer = undefined;
  refreshToken = undefined;
  accessToken = undefined;
}

/** One call to Cognito's user API with the member's own access token (the admin scope allows it). */
async function userCall(target: string, body: Record<string, unknown>): Promise<Response> {
  if (!accessToken) throw new Error("Not signed in with the managed login");
  return fetch(auth().identityEndpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${target}`,
    },
    body: JSON.stringify({ AccessToken: accessToken, ...body }),
  });
}

/** A new authenticator-app key for the member (AssociateSoftwareToken), base32. */
export async function associateSoftwareToken(): Promise<string> {
  const response = await userCall("AssociateSoftwareToken", {});
  const answer: unknown = await response.json();
  const secret = (answer as { SecretCode?: unknown }).SecretCode;
  if (!response.ok || typeof secret !== "string")
    throw new Error(`AssociateSoftwareToken: ${response.status}`);
  return secret;
}

/**
 * Checks a code from the new key (VerifySoftwareToken) and, when it matches, makes the app the
 * member's second factor (SetUserMFAPreference): false when the code does not match.
 */
export async function verifySoftwareToken(code: string): Promise<boolean> {
  const verified = await userCall("VerifySoftwareToken", { UserCode: code, FriendlyDeviceName: "Mutua" });
  if (!verified.ok) {
    if (verified.status >= 500) throw new Error(`VerifySoftwareToken: ${verified.status}`);
    return false;
  }
  if ((((await verified.json()) as { Status?: unknown }).Status ?? "SUCCESS") !== "SUCCESS") return false;
  const preferred = await userCall("SetUserMFAPreference", {
    SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
  });
  if (!preferred.ok) throw new Error(`SetUserMFAPreference: ${preferred.status}`);
  return true;
}

export const cognitoProvider: AuthProvider = {
  async restore() {
    if (!isCallback(location.search)) return undefined;
    const flight = takeFlight();
    const code = codeFrom(location.search, flight);
    // The code is single-use and worthless to keep: take it out of the address and the history.
    history.replaceState(null, "", location.pathname);
    if (!code || !flight) return undefined;
    return tokens(codeGrant(auth(), code, flight, redirectUri()));
  },
  async signOut() {
    const { clientId, domain, identityEndpoint } = auth();
    // Every device: Cognito's global sign-out ends every refresh token of the member's.
    if (accessToken) {
      await fetch(identityEndpoint, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.1",
          "x-amz-target": "AWSCognitoIdentityProviderService.GlobalSignOut",
        },
        body: JSON.stringify({ AccessToken: accessToken }),
      }).catch(() => undefined);
    }
    if (refreshToken) {
      await fetch(new URL("/oauth2/revoke", domain), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: refreshToken, client_id: clientId }),
      }).catch(() => undefined);
    }
    forget();
    // And the managed login's own session, so the next person at this device starts afresh.
    location.assign(logoutUrl(auth(), redirectUri()));
  },
};
