import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Secret, TOTP } from "otpauth";

/**
 * The local stand-in for Cognito's authenticator-app enrolment (AssociateSoftwareToken, then
 * VerifySoftwareToken): a TOTP secret per login, proposed first and kept once a code from it is
 * verified (RFC 6238: SHA-1, 6 digits, 30 seconds, what every authenticator app reads). The
 * development issuer then marks a sign-in that gives a current code as having passed a second
 * factor. Kept in a file of the data folder when there is one, so a restart does not forget it.
 */
export class DevSecondFactors {
  private readonly pending = new Map<string, string>();
  private readonly enrolled = new Map<string, string>();

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      const stored: unknown = JSON.parse(readFileSync(file, "utf8"));
      if (typeof stored === "object" && stored !== null) {
        for (const [subject, secret] of Object.entries(stored)) {
          if (typeof secret === "string") this.enrolled.set(subject, secret);
        }
      }
    }
  }

  /** A new secret (base32) for the login, waiting for a code from it; an earlier one stays until then. */
  associate(subject: string): string {
    const secret = new Secret({ size: 20 }).base32;
    this.pending.set(subject, secret);
    return secret;
  }

  /** Keeps the proposed secret if the code comes from it; false (nothing kept) otherwise. */
  verify(subject: string, code: string): boolean {
    const secret = this.pending.get(subject);
    if (!secret || !matches(secret, code)) return false;
    this.pending.delete(subject);
    this.enrolled.set(subject, secret);
    this.save();
    return true;
  }

  isEnrolled(subject: string): boolean {
    return this.enrolled.has(subject);
  }

  /** Whether the code is current for the login's kept secret. */
  check(subject: string, code: string): boolean {
    const secret = this.enrolled.get(subject);
    return secret !== undefined && matches(secret, code);
  }

  private save(): void {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(Object.fromEntries(this.enrolled)), { mode: 0o600 });
  }
}

/** One period either side, for a phone's clock a little off (as Cognito allows). */
function matches(secret: string, code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 });
  return totp.validate({ token: code, window: 1 }) !== null;
}
