/**
 * The pure parts of signing in with the authorization code and PKCE (RFC 7636) against the city's
 * managed login: what the browser sends and what it accepts back. No token is ever stored here.
 */
export interface CognitoAuth {
  kind: "cognito";
  /** The managed login's https origin. */
  domain: string;
  clientId: string;
  /** Cognito's regional API, for signing out everywhere. */
  identityEndpoint: string;
}

/** What waits in the tab between leaving for the managed login and coming back: no token. */
export interface Flight {
  state: string;
  verifier: string;
}

/** The scopes the app asks for; the admin scope lets a member sign out of every device. */
export const SCOPES = "openid email profile aws.cognito.signin.user.admin";

/** Languages Cognito's managed login speaks, of Mutua's five (it has no Dutch). */
const LOGIN_LANGUAGES = ["en", "fr", "de", "es"];

export function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** A fresh verifier (43 characters from 32 random bytes) and state. */
export function newFlight(random: (n: number) => Uint8Array): Flight {
  return { verifier: base64url(random(32)), state: base64url(random(16)) };
}

/** S256: the base64url SHA-256 of the verifier. */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

export async function authorizeUrl(
  auth: CognitoAuth,
  flight: Flight,
  redirectUri: string,
  language: string,
): Promise<string> {
  const url = new URL("/oauth2/authorize", auth.domain);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: auth.clientId,
    redirect_uri: redirectUri,
    scope: SCOPES,
    state: flight.state,
    code_challenge: await challengeOf(flight.verifier),
    code_challenge_method: "S256",
    lang: LOGIN_LANGUAGES.includes(language) ? language : "en",
  }).toString();
  return url.toString();
}

/**
 * The code the managed login sent back, if this address is its answer to our own request: a
 * `state` that is not the one we sent (a forged or replayed redirect) gets nothing.
 */
export function codeFrom(search: string, flight: Flight | undefined): string | undefined {
  const params = new URLSearchParams(search);
  const code = params.get("code");
  if (!code || !flight || params.get("state") !== flight.state) return undefined;
  return code;
}

/** Whether an address is the managed login's answer (a code or an error) rather than a screen's. */
export function isCallback(search: string): boolean {
  const params = new URLSearchParams(search);
  return params.has("state") && (params.has("code") || params.has("error"));
}

export function codeGrant(
  auth: CognitoAuth,
  code: string,
  flight: Flight,
  redirectUri: string,
): URLSearchParams {
  return new URLSearchParams({
    grant_type: "authorization_code",
    client_id: auth.clientId,
    code,
    redirect_uri: redirectUri,
    code_verifier: flight.verifier,
  });
}

export function refreshGrant(auth: CognitoAuth, refreshToken: string): URLSearchParams {
  return new URLSearchParams({
    grant_type: "refresh_token",
    client_id: auth.clientId,
    refresh_token: refreshToken,
  });
}

export interface TokenAnswer {
  id_token: string;
  access_token: string;
  refresh_token?: string;
  /** Seconds. */
  expires_in: number;
}

export function isTokenAnswer(value: unknown): value is TokenAnswer {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id_token === "string" &&
    typeof v.access_token === "string" &&
    typeof v.expires_in === "number" &&
    (v.refresh_token === undefined || typeof v.refresh_token === "string")
  );
}

export function logoutUrl(auth: CognitoAuth, redirectUri: string): string {
  const url = new URL("/logout", auth.domain);
  url.search = new URLSearchParams({ client_id: auth.clientId, logout_uri: redirectUri }).toString();
  return url.toString();
}
