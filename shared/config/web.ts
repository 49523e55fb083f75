import type { City } from "./city.ts";

/**
 * How the web app signs people in. Locally the development issuer (a sign-in page listing the demo
 * members); in AWS the city's Cognito managed login (`domain` is its https origin) with the web
 * app's public client, by authorization code with PKCE.
 */
export type WebAuthConfig =
  | { kind: "dev" }
  | {
      kind: "cognito";
      domain: string;
      clientId: string;
      /** Cognito's regional API (`https://cognito-idp.<region>.amazonaws.com/`), for signing out everywhere. */
      identityEndpoint: string;
    };

/**
 * What the web app needs to know before anyone signs in, served as `/config.json` beside the app:
 * by the local runtime from the city file, and (in AWS) written next to the built app from the same
 * file. Only what anybody may read: no limits, weights or addresses beyond the public ones.
 */
export function webConfig(city: City, auth: WebAuthConfig) {
  return {
    city: {
      id: city.id,
      name: city.name,
      timezone: city.timezone,
      languages: city.languages,
      areas: city.areas,
      skills: city.skills.map((s) => ({
        id: s.id,
        name: s.name,
        names: s.names,
        sensitive: s.sensitive === true,
      })),
      map: city.map,
      /** Geohash precision of the cells shown instead of places. */
      locationCellPrecision: city.privacy.locationCellPrecision,
      maxRadiusKm: city.matching.maxRadiusKm,
      smsEnabled: city.notifications.smsEnabled,
      ...(city.termsUrl ? { termsUrl: city.termsUrl } : {}),
    },
    auth,
  };
}

export type WebConfig = ReturnType<typeof webConfig>;
