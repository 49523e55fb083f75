import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  authorizeUrl,
  base64url,
  type CognitoAuth,
  challengeOf,
  codeFrom,
  codeGrant,
  isCallback,
  isTokenAnswer,
  logoutUrl,
  newFlight,
  refreshGrant,
  SCOPES,
} from "../../../web/src/auth/pkce.ts";

const auth: CognitoAuth = {
  kind: "cognito",
  domain: "https://mutua-riverside.auth.eu-west-1.amazoncognito.com",
  clientId: "client123",
  identityEndpoint: "https://cognito-idp.eu-west-1.amazonaws.com/",
};
const redirect = "https://timebank.riverside.example/";

describe("signing in with the managed login (authorization code + PKCE)", () => {
  it("derives the S256 challenge as RFC 7636 defines it (base64url of SHA-256, no padding)", async () => {
    expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFXlEjwRA")).toBe(
      "DKNT0eR7vu8VJt38ApfrcMq3hn1OYySze8bMWrVpuKI",
    );
    const verifier = base64url(new Uint8Array(32).fill(7));
    expect(await challengeOf(verifier)).toBe(createHash("sha256").update(verifier).digest("base64url"));
  });

  it("makes a fresh 43-character verifier and a state for each sign-in", () => {
    let n = 0;
    const random = (size: number) => new Uint8Array(size).fill(++n);
    const a = newFlight(random);
    const b = newFlight(random);
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.verifier).not.toBe(b.verifier);
    expect(a.state).not.toBe(b.state);
  });

  it("asks for a code with the challenge, the state, the app's address and the language", async () => {
    const flight = { state: "st", verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFXlEjwRA" };
    const url = new URL(await authorizeUrl(auth, flight, redirect, "fr"));
    expect(url.origin + url.pathname).toBe(`${auth.domain}/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: "code",
      client_id: "client123",
      redirect_uri: redirect,
      scope: SCOPES,
      state: "st",
      code_challenge: "DKNT0eR7vu8VJt38ApfrcMq3hn1OYySze8bMWrVpuKI",
      code_challenge_method: "S256",
      lang: "fr",
    });
    // The managed login has no Dutch: English rather than an error.
    expect(new URL(await authorizeUrl(auth, flight, redirect, "nl")).searchParams.get("lang")).toBe("en");
  });

  it("takes the code only from an answer to its own request (the state must match)", () => {
    const flight = { state: "mine", verifier: "v" };
    expect(isCallback("?code=abc&state=mine")).toBe(true);
    expect(isCallback("?error=access_denied&state=mine")).toBe(true);
    expect(isCallback("?q=gardening")).toBe(false);
    expect(codeFrom("?code=abc&state=mine", flight)).toBe("abc");
    expect(codeFrom("?code=abc&state=forged", flight)).toBeUndefined();
    expect(codeFrom("?code=abc&state=mine", undefined)).toBeUndefined();
    expect(codeFrom("?error=access_denied&state=mine", flight)).toBeUndefined();
  });

  it("exchanges the code with the verifier, and renews with the refresh token, as a public client (no secret)", () => {
    const flight = { state: "s", verifier: "ver" };
    expect(Object.fromEntries(codeGrant(auth, "abc", flight, redirect))).toEqual({
      grant_type: "authorization_code",
      client_id: "client123",
      code: "abc",
      redirect_uri: redirect,
      code_verifier: "ver",
    });
    expect(Object.fromEntries(refreshGrant(auth, "r"))).toEqual({
      grant_type: "refresh_token",
      client_id: "client123",
      refresh_token: "r",
    });
  });

  it("accepts only a well-formed token answer", () => {
    expect(isTokenAnswer({ id_token: "i", access_token: "a", expires_in: 3600, refresh_token: "r" })).toBe(
      true,
    );
    expect(isTokenAnswer({ id_token: "i", access_token: "a", expires_in: 3600 })).toBe(true);
    expect(isTokenAnswer({ id_token: "i", expires_in: 3600 })).toBe(false);
    expect(isTokenAnswer({ error: "invalid_grant" })).toBe(false);
  });

  it("signs out of the managed login back to the app", () => {
    const url = new URL(logoutUrl(auth, redirect));
    expect(url.pathname).toBe("/logout");
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "client123", logout_uri: redirect });
  });
});
