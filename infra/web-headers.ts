import type { City } from "#shared/config/city.ts";

/**
 * The security headers of the web app's pages and files, the same locally and at the edge: a strict
 * Content-Security-Policy (no inline script or style, nothing from outside but the city's map tiles),
 * no framing, no sniffing, no referrer sent elsewhere.
 */
export function webSecurityHeaders(
  city: City,
  /** Origins the app may call beside its own: in AWS, the managed login's token endpoint. */
  connectTo: readonly string[] = [],
): Record<string, string> {
  const tiles = city.map.tiles ? ` ${new URL(city.map.tiles.url.replace(/[{}]/g, "")).origin}` : "";
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data:${tiles}`,
    ["connect-src 'self'", ...connectTo].join(" "),
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
  };
}
