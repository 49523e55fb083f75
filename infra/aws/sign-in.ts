import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  PasskeyUserVerification,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  type UserPoolEmail,
  UserPoolOperation,
} from "aws-cdk-lib/aws-cognito";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Construct } from "constructs";
import { type DeployableCity, type SignInTier, signInDomainPrefix } from "../../shared/config/city.ts";
import type { LambdaBundle } from "./bundling.ts";
import { HouseFunction } from "./house-function.ts";

const FEATURE_PLAN: Record<SignInTier, FeaturePlan> = {
  lite: FeaturePlan.LITE,
  essentials: FeaturePlan.ESSENTIALS,
  plus: FeaturePlan.PLUS,
};

export interface SignInProps {
  city: DeployableCity;
  bundle: LambdaBundle;
  /** Cognito's own mails (codes, invitations) through the city's SES identity, once it is verified. */
  email?: UserPoolEmail;
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The managed login's form logo: the city's name ("Riverside time bank") as an SVG, in the app's
 * brand colour, so residents see whose sign-in this is. Text in the SVG, not an image of text.
 */
export function signInLogo(city: Pick<DeployableCity, "name">): string {
  const label = escapeXml(`${city.name} time bank`);
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="480" height="96" viewBox="0 0 480 96" role="img"',
    ` aria-label="${label}"><rect width="480" height="96" rx="12" fill="#0b4f8a"/>`,
    '<text x="240" y="60" text-anchor="middle" font-family="system-ui, sans-serif" font-size="32"',
    ` font-weight="700" fill="#ffffff">${label}</text></svg>`,
  ].join("");
}

/** The managed login's address for a city: Cognito's prefix domain in the city's region. */
export function signInDomainName(city: DeployableCity): string {
  return `${signInDomainPrefix(city)}.auth.${city.aws.region}.amazoncognito.com`;
}

/**
 * The city's sign-in: a Cognito user pool on the city's feature plan, managed login (the newer
 * version) on the city's prefix domain, MFA (TOTP; passkeys where the plan offers them) optional
 * for everyone, and a pre-token-generation trigger that writes into every ID token whether the
 * sign-in passed a second factor, which the API demands for staff powers.
 */
export class SignIn extends Construct {
  readonly userPool: UserPool;
  readonly domain: UserPoolDomain;
  readonly preTokenGeneration: HouseFunction;
  private readonly city: DeployableCity;

  constructor(scope: Construct, id: string, props: SignInProps) {
    super(scope, id);
    const { city } = props;
    this.city = city;
    const tier = city.signIn.tier;
    const passkeys = tier !== "lite";
    this.userPool = new UserPool(this, "Users", {
      userPoolName: `mutua-${city.id}`,
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      ...(props.email ? { email: props.email } : {}),
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FEATURE_PLAN[tier],
      // Threat protection (compromised credentials, adaptive authentication) exists on Plus only.
      ...(tier === "plus"
        ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION }
        : {}),
      ...(passkeys
        ? {
            signInPolicy: { allowedFirstAuthFactors: { password: true, passkey: true } },
            passkeyRelyingPartyId: signInDomainName(city),
            passkeyUserVerification: PasskeyUserVerification.REQUIRED,
          }
        : {}),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: "AwsSolutions-COG2",
      reason:
        "MFA is optional in the pool, because many time-bank members are older or digitally excluded " +
        "residents for whom a second factor would bar sign-up; it is required for staff: the API " +
        "refuses a coordinator's or an admin's powers (403 MFA_REQUIRED) unless the ID token's " +
        "mutua:mfa claim, set by this pool's pre-token-generation trigger, says the sign-in passed it.",
    });
    if (tier !== "plus") {
      const reason = `The city file chooses the ${tier} feature plan (signIn.tier): threat protection (compromised credentials, adaptive authentication) exists only on Plus, which costs several times more per active user (README, "Sign-in tiers"). Staff powers need MFA whatever the plan.`;
      Validations.of(this.userPool).acknowledge({ id: "AwsSolutions-COG3", reason });
      Validations.of(this.userPool).acknowledge({ id: "AwsSolutions-COG8", reason });
    }

    this.domain = this.userPool.addDomain("ManagedLogin", {
      cognitoDomain: { domainPrefix: signInDomainPrefix(city) },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });

    this.preTokenGeneration = new HouseFunction(this, "pre-token-generation", {
      name: "cognito-pre-token-generation",
      entry: "functions/triggers/pre-token-generation.ts",
      description: "cognito-pre-token-generation: marks ID tokens whose sign-in passed MFA",
      bundle: props.bundle,
      access: "read",
      writesLedger: false,
      checkpoints: [],
      timeout: Duration.seconds(5),
    });
    // The pool names the trigger and the trigger would name the pool: a cycle. The grant names
    // every pool of the account and region instead, for one read-only action.
    const everyPool = Stack.of(this).formatArn({
      service: "cognito-idp",
      resource: "userpool",
      resourceName: "*",
    });
    this.preTokenGeneration.function.addToRolePolicy(
      new PolicyStatement({ actions: ["cognito-idp:AdminGetUser"], resources: [everyPool] }),
    );
    Validations.of(this.preTokenGeneration.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${everyPool}]`,
      reason:
        "The user pool invokes this trigger, so naming the pool in the trigger's policy would be a dependency cycle; the statement allows only the read-only cognito-idp:AdminGetUser.",
    });
    this.userPool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION, this.preTokenGeneration.function);
  }

  /**
   * The web app's client: public (no secret), authorization code with PKCE only, signing in and
   * out at `appOrigin`, with the managed login branded for it.
   */
  addWebClient(appOrigin: string): UserPoolClient {
    const client = this.userPool.addClient("WebClient", {
      userPoolClientName: `${this.city.name} time bank`,
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        // The admin scope lets the app sign a member out of every device (GlobalSignOut).
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE, OAuthScope.COGNITO_ADMIN],
        callbackUrls: [`${appOrigin}/`],
        logoutUrls: [`${appOrigin}/`],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    // Cognito's own managed-login style for this client (settings left at Cognito's values, which
    // it keeps for what a style does not name), with the city's name as the form's logo; the
    // page's language follows the app's `lang` parameter (see web/src/auth/pkce.ts).
    const logo = Buffer.from(signInLogo(this.city)).toString("base64");
    new CfnManagedLoginBranding(this, "Branding", {
      userPoolId: this.userPool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: false,
      assets: ["LIGHT", "DARK"].map((colorMode) => ({
        category: "FORM_LOGO",
        colorMode,
        extension: "SVG",
        bytes: logo,
      })),
    }).node.addDependency(this.domain);
    return client;
  }
}
