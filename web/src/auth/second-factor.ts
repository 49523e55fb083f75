import { config } from "../config.ts";

/**
 * Setting up an authenticator app as the second factor, the same steps in both sign-in modes: a
 * new key, a code from it checked, then a new sign-in so the token carries the fact (`mutua:mfa`).
 * In the cloud the browser asks Cognito's user API with the member's access token
 * (AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference) and signs in again through
 * the managed login, which asks for the code. Locally the development issuer keeps the key for the
 * login and asks for a current code when signing in again.
 */
export interface SecondFactor {
  /** A new key, base32, for the app to read. */
  associate(): Promise<string>;
  /** Keeps the key when the code comes from it; false when it does not. */
  verify(code: string): Promise<boolean>;
  /** Whether signing in again asks for a code here (locally) or at the managed login (cloud). */
  codeAtSignIn: boolean;
  /** Signs in again; false when the code given is refused. */
  signInAgain(code: string): Promise<boolean>;
}

export async function secondFactor(): Promise<SecondFactor> {
  if (config().auth.kind === "cognito") {
    const cognito = await import("./cognito.ts");
    return {
      associate: cognito.associateSoftwareToken,
      verify: cognito.verifySoftwareToken,
      codeAtSignIn: false,
      async signInAgain() {
        await cognito.startSignIn();
        return true;
      },
    };
  }
  const dev = await import("./dev.ts");
  return {
    associate: dev.devAssociate,
    verify: dev.devVerify,
    codeAtSignIn: true,
    async signInAgain(code) {
      const name = dev.devName();
      return name !== undefined && (await dev.devSignIn(name, { code })) === undefined;
    },
  };
}

/** The otpauth address authenticator apps read from the QR code (Key Uri Format). */
export function keyUri(secret: string, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({ secret, issuer, algorithm: "SHA1", digits: "6", period: "30" });
  return `otpauth://totp/${label}?${params.toString()}`;
}
