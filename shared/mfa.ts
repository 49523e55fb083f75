/**
 * The ID-token claim that says the sign-in passed a second factor. In AWS the user pool's
 * pre-token-generation trigger sets it (functions/triggers/pre-token-generation.ts); locally the
 * development issuer does. Claims reach handlers as strings, so the value is "true" or "false".
 */
export const MFA_CLAIM = "mutua:mfa";

/** Whether verified token claims say the sign-in passed a second factor; anything but "true" is no. */
export function passedMfa(claims: Readonly<Record<string, unknown>> | undefined): boolean {
  return claims?.[MFA_CLAIM] === "true";
}
