import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";
import { MFA_CLAIM } from "#shared/mfa.ts";

/** Issuer and audience of locally signed tokens; the gateway equivalent is the Cognito pool and client. */
export const DEV_ISSUER = "mutua-local-dev-issuer";
export const DEV_AUDIENCE = "mutua-local";
const ALG = "ES256";

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/**
 * A development identity provider: signs JWTs shaped like Cognito ID tokens so the local adapter
 * can verify them the way API Gateway's JWT authorizer verifies Cognito's.
 */
export class DevIssuer {
  private constructor(private readonly keys: KeyPair) {}

  /** A fresh key pair held in memory (tests). */
  static async ephemeral(): Promise<DevIssuer> {
    return new DevIssuer(await generateKeyPair(ALG, { extractable: true }));
  }

  /** The key pair stored in `file`, created on first use, so `npm run token` and `npm start` agree. */
  static async fromFile(file: string): Promise<DevIssuer> {
    if (!existsSync(file)) {
      const pair = await generateKeyPair(ALG, { extractable: true });
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(await exportJWK(pair.privateKey)), { mode: 0o600 });
    }
    const jwk: JWK = JSON.parse(readFileSync(file, "utf8"));
    const privateKey = await importJWK(jwk, ALG);
    const { d: _private, ...publicJwk } = jwk;
    const publicKey = await importJWK(publicJwk, ALG);
    if (privateKey instanceof Uint8Array || publicKey instanceof Uint8Array) {
      throw new Error(`${file} does not hold an ${ALG} key`);
    }
    return new DevIssuer({ privateKey, publicKey });
  }

  /**
   * Signs an ID-token-shaped JWT for a subject. `mfa` (default true) says the sign-in passed a
   * second factor, the claim the user pool's pre-token-generation trigger sets in AWS: the
   * development issuer stands for a sign-in that passed every factor, unless asked for one that
   * did not (to see a coordinator's powers refused without it).
   */
  async sign(
    subject: string,
    options: { email?: string; ttlSeconds?: number; mfa?: boolean } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      token_use: "id",
      "cognito:username": subject,
      auth_time: now,
      [MFA_CLAIM]: options.mfa === false ? "false" : "true",
      ...(options.email ? { email: options.email, email_verified: true } : {}),
    })
      .setProtectedHeader({ alg: ALG, kid: "local" })
      .setSubject(subject)
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + (options.ttlSeconds ?? 12 * 3600))
      .sign(this.keys.privateKey);
  }

  /**
   * Verifies signature, issuer, audience and expiry, as the HTTP API JWT authorizer does. A token
   * without `exp` is refused: Cognito never issues one, and one would never expire.
   * @throws Error when the token is not valid.
   */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.keys.publicKey, {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      algorithms: [ALG],
      requiredClaims: ["exp"],
    });
    return payload;
  }
}
