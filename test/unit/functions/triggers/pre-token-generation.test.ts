import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { PreTokenGenerationTriggerEvent } from "aws-lambda";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handler } from "../../../../functions/triggers/pre-token-generation.ts";
import { MFA_CLAIM, passedMfa } from "../../../../shared/mfa.ts";

function event(): PreTokenGenerationTriggerEvent {
  return {
    version: "1",
    triggerSource: "TokenGeneration_Authentication",
    region: "eu-west-1",
    userPoolId: "eu-west-1_pool",
    userName: "dora",
    callerContext: { awsSdkVersion: "x", clientId: "client" },
    request: { userAttributes: { sub: "s" }, groupConfiguration: { groupsToOverride: [] } },
    response: { claimsOverrideDetails: {} },
  } as PreTokenGenerationTriggerEvent;
}

afterEach(() => vi.restoreAllMocks());

describe("the pre-token-generation trigger", () => {
  it("marks the ID token of a user with an authenticator app as having passed MFA", async () => {
    const send = vi
      .spyOn(CognitoIdentityProviderClient.prototype, "send")
      .mockResolvedValue({ UserMFASettingList: ["SOFTWARE_TOKEN_MFA"] } as never);
    const out = await handler(event());
    const claims = out.response.claimsOverrideDetails.claimsToAddOrOverride;
    expect(claims?.[MFA_CLAIM]).toBe("true");
    expect(passedMfa(claims)).toBe(true);
    const command = send.mock.calls[0]?.[0] as { input: unknown } | undefined;
    const input = command?.input;
    expect(input).toEqual({ UserPoolId: "eu-west-1_pool", Username: "dora" });
  });

  it("marks a user without one as not having passed it", async () => {
    vi.spyOn(CognitoIdentityProviderClient.prototype, "send").mockResolvedValue({} as never);
    const claims = (await handler(event())).response.claimsOverrideDetails.claimsToAddOrOverride;
    expect(claims?.[MFA_CLAIM]).toBe("false");
    expect(passedMfa(claims)).toBe(false);
  });
});
