import { expect, it } from "vitest";
import { sdkAtRunTime } from "#data/runtime-sdk.ts";

it("loads the clients kept out of the bundles when they are first needed", () => {
  const sns = sdkAtRunTime<typeof import("@aws-sdk/client-sns")>("@aws-sdk/client-sns");
  expect(typeof sns.SNSClient).toBe("function");
  expect(typeof sns.PublishCommand).toBe("function");
  const cognito = sdkAtRunTime<typeof import("@aws-sdk/client-cognito-identity-provider")>(
    "@aws-sdk/client-cognito-identity-provider",
  );
  expect(typeof cognito.AdminDeleteUserCommand).toBe("function");
  expect(typeof cognito.UserNotFoundException).toBe("function");
});
