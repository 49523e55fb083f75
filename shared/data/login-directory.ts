import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { LoginDirectory } from "#domain/privacy/ports.ts";
import { sdkAtRunTime } from "./runtime-sdk.ts";

type Cognito = typeof import("@aws-sdk/client-cognito-identity-provider");

/**
 * The city's Cognito user pool. Its users sign in by email, so each user's name is its `sub`,
 * the subject Mutua links to a member: deleting by it deletes the user, email and all.
 */
export class CognitoLoginDirectory implements LoginDirectory {
  private client: CognitoIdentityProviderClient | undefined;

  constructor(private readonly userPoolId: string) {}

  async deleteLogin(subject: string): Promise<void> {
    // Erasure is rare: the client is loaded when one happens, not bundled (see runtime-sdk.ts).
    const cognito = sdkAtRunTime<Cognito>("@aws-sdk/client-cognito-identity-provider");
    this.client ??= new cognito.CognitoIdentityProviderClient({});
    try {
      await this.client.send(
        new cognito.AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: subject }),
      );
    } catch (error) {
      if (!(error instanceof cognito.UserNotFoundException)) throw error;
    }
  }
}

/**
 * Off AWS the development issuer signs any name and keeps no users: a login exists only as its
 * link to a member, which erasure deletes. Nothing more to delete here.
 */
export const localLoginDirectory: LoginDirectory = {
  async deleteLogin() {},
};
