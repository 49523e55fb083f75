import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import type { PreTokenGenerationTriggerEvent } from "aws-lambda";
import { MFA_CLAIM } from "#shared/mfa.ts";

const cognito = new CognitoIdentityProviderClient({});

/**
 * Adds to every ID token whether its sign-in passed a second factor (`mutua:mfa`), which the API
 * demands for a coordinator's or an admin's powers. Cognito's ID tokens carry no `amr`, and the
 * trigger's event does not say which factors were used, so the claim is derived from the user's
 * MFA settings: the pool's MFA is optional and remembers no devices, so a user with an
 * authenticator app set up is asked for its code at every password sign-in (and a passkey
 * sign-in, where the tier offers passkeys, verifies the user on the device: two factors in one).
 * A user with a passkey but no authenticator app is not marked, since the event cannot tell a
 * passkey sign-in apart: staff set up the app.
 */
export async function handler(
  event: PreTokenGenerationTriggerEvent,
): Promise<PreTokenGenerationTriggerEvent> {
  const user = await cognito.send(
    new AdminGetUserCommand({ UserPoolId: event.userPoolId, Username: event.userName }),
  );
  const mfa = (user.UserMFASettingList ?? []).includes("SOFTWARE_TOKEN_MFA");
  event.response.claimsOverrideDetails = {
    claimsToAddOrOverride: { [MFA_CLAIM]: mfa ? "true" : "false" },
  };
  return event;
}
