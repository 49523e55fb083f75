import * as z from "#shared/zod.ts";

export const languageCodes = ["en", "nl", "fr", "de", "es"] as const;
export const languageSchema = z.enum(languageCodes);
export type Language = z.infer<typeof languageSchema>;

const slug = z.string().check(z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be a lowercase slug like old-town"));
const hhmm = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a 24-hour time like 21:30"));
const latitude = z.number().check(z.gte(-90), z.lte(90));
const longitude = z.number().check(z.gte(-180), z.lte(180));
const minutes = z.int().check(z.gte(0), z.lte(1_000_000));
const weight = z.number().check(z.gte(0), z.lte(10));
const label = z.string().check(z.minLength(1), z.maxLength(80));
/** A name in other languages than the city's default: `{ "nl": "Tuinieren" }`. */
const translations = z.optional(z.partialRecord(languageSchema, label));

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function uniqueIds(items: readonly { id: string }[]): boolean {
  return new Set(items.map((i) => i.id)).size === items.length;
}

/** A retention period: at least a day, at most ten years. */
const retentionDays = z.int().check(z.gte(1), z.lte(3650));
function unique(items: readonly string[]): boolean {
  return new Set(items.map((i) => i.toLowerCase())).size === items.length;
}

const domainName = z
  .string()
  .check(
    z.toLowerCase(),
    z.maxLength(253),
    z.regex(
      /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/,
      "must be a domain name like riverside.example",
    ),
  );

/** The domain part of an email address, lower-cased. */
export function domainOf(address: string): string {
  return (address.split("@").at(-1) ?? address).toLowerCase();
}

function onDomain(address: string, domain: string): boolean {
  const own = domainOf(address);
  return own === domain || own.endsWith(`.${domain}`);
}

/**
 * SMS guard rails, required when a city turns SMS on. SNS stops sending for the month once the
 * spend limit is reached; the sender id shows instead of a number where the country allows it.
 */
const smsSchema = z.strictObject({
  /** 1-11 letters and digits, at least one letter (an alphanumeric sender id). */
  senderId: z
    .string()
    .check(
      z.regex(/^(?=.*[A-Za-z])[A-Za-z0-9]{1,11}$/, "must be 1-11 letters and digits, at least one letter"),
    ),
  /** The most SMS may cost in a month, in US dollars (AWS accounts start at 1 until a quota increase). */
  monthlySpendLimitUsd: z.int().check(z.gte(1), z.lte(10_000)),
});

/** Deployment stages a city runs in; the `mutua:environment` cost-allocation tag carries it. */
export const environments = ["production", "staging", "test"] as const;

/**
 * How sensitive the city's data is, as the council's information-governance scheme names it; the
 * `mutua:data-classification` tag carries it. A time bank holds residents' names, contact details
 * and home locations, so "personal" is the floor; "special-category" where, say, care needs are
 * recorded (GDPR article 9).
 */
export const dataClassifications = ["personal", "special-category"] as const;

/**
 * Running the city in AWS: who is told when something breaks, what it may cost, and how its
 * resources are tagged. Sections for the AWS account and region, the edge and sign-in sit beside
 * this one, not inside it.
 */
const operationsSchema = z.strictObject({
  environment: z.enum(environments),
  dataClassification: z._default(z.enum(dataClassifications), "personal"),
  /** Subscribers of the operations topic: every alarm and the budget alerts reach them. */
  alerts: z.strictObject({
    /** Each address confirms its subscription once, from the email AWS sends it. */
    emails: z
      .array(z.email())
      .check(
        z.minLength(1, "at least one address must receive the city's alarms"),
        z.maxLength(10),
        z.refine(unique, "addresses must not repeat"),
      ),
    /** An HTTPS endpoint that confirms SNS subscriptions (a chat or paging tool's SNS receiver). */
    webhook: z.optional(
      z.url().check(z.refine((u) => u.startsWith("https://"), "must be an https:// address")),
    ),
  }),
  /** An AWS Budgets cost budget whose alerts go to the same subscribers. */
  budget: z.strictObject({
    monthlyUsd: z.number().check(z.gt(0), z.lte(1_000_000)),
    /** Alert when actual spend in the month reaches these percentages of the budget. */
    actualAtPercent: z._default(
      z.array(z.int().check(z.gte(1), z.lte(1000))).check(
        z.minLength(1),
        z.maxLength(4),
        z.refine((p) => new Set(p).size === p.length, "must not repeat"),
      ),
      [80, 100],
    ),
    /** Alert when the month's forecast reaches this percentage; omit for none. */
    forecastAtPercent: z.optional(z.int().check(z.gte(1), z.lte(1000))),
    /**
     * "account": every cost in the AWS account (a council's account for this city). "city-tag": only
     * resources tagged `mutua:city` with this city's id, for accounts that hold several cities; the
     * tag must first be activated as a cost-allocation tag in the Billing console.
     */
    scope: z._default(z.enum(["account", "city-tag"]), "account"),
  }),
});

/**
 * Where the city runs in AWS. A deploy never falls back to the deployer's CLI profile: the council
 * decides, in the file, which account holds residents' data and in which region it lives.
 */
const awsSchema = z.strictObject({
  account: z.string().check(z.regex(/^\d{12}$/, "must be a 12-digit AWS account id")),
  region: z
    .string()
    .check(z.regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region code such as eu-west-1")),
});

const hostname = z
  .string()
  .check(
    z.maxLength(253),
    z.regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      "must be a lowercase domain name such as timebank.riverside.example",
    ),
  );

/**
 * The city's own address for the app (and the API under /api). Either a Route 53 hosted zone of
 * the council's account (Mutua validates a certificate by DNS and adds the alias record), or, when
 * the domain's DNS is hosted elsewhere, a certificate the council issued in ACM in us-east-1 (the
 * region CloudFront reads certificates from); the council then points the name at the distribution.
 */
const domainSchema = z
  .strictObject({
    name: hostname,
    hostedZone: z.optional(
      z.strictObject({
        id: z
          .string()
          .check(
            z.regex(/^Z[A-Z0-9]{1,32}$/, "must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ"),
          ),
        name: hostname,
      }),
    ),
    certificateArn: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/,
            "must be an ACM certificate ARN in us-east-1 (CloudFront reads certificates only there)",
          ),
        ),
    ),
  })
  .check(
    z.refine((d) => (d.hostedZone === undefined) !== (d.certificateArn === undefined), {
      message: "give either hostedZone (DNS in Route 53) or certificateArn (DNS elsewhere), not both",
    }),
    z.refine(
      (d) => !d.hostedZone || d.name === d.hostedZone.name || d.name.endsWith(`.${d.hostedZone.name}`),
      {
        message: "name must be the hosted zone's name or a name under it",
        path: ["name"],
      },
    ),
  );

/** The distribution in front of the app and the API: its address and its firewall's limits. */
const edgeSchema = z.strictObject({
  domain: z.optional(domainSchema),
  /**
   * The web firewall's per-IP rate rule: an address sending more than `requests` requests in
   * `windowSeconds` is blocked until its rate falls below the limit again.
   */
  rateLimit: z._default(
    z.strictObject({
      requests: z.int().check(z.gte(10), z.lte(2_000_000_000)),
      windowSeconds: z._default(
        z.union([z.literal(60), z.literal(120), z.literal(300), z.literal(600)]),
        300,
      ),
    }),
    { requests: 1000, windowSeconds: 300 },
  ),
});

/** Cognito feature plans: what each adds is in the README ("Sign-in tiers"). */
export const signInTiers = ["lite", "essentials", "plus"] as const;
export type SignInTier = (typeof signInTiers)[number];

const signInSchema = z.strictObject({
  /** Essentials unless the council chooses otherwise; threat protection needs Plus. */
  tier: z._default(z.enum(signInTiers), "essentials"),
  /**
   * The prefix of the managed login's address (`<prefix>.auth.<region>.amazoncognito.com`), unique
   * in the region. Default `mutua-<city id>`.
   */
  domainPrefix: z.optional(
    z.string().check(
      z.regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, "must be lowercase letters, digits and hyphens"),
      z.refine((p) => !/aws|amazon|cognito/.test(p), "must not contain aws, amazon or cognito"),
    ),
  ),
});

export const citySchema = z
  .strictObject({
    /** Short id used in resource and table names. */
    id: slug.check(z.maxLength(24)),
    name: z.string().check(z.minLength(1), z.maxLength(80)),
    languages: z
      .strictObject({
        default: languageSchema,
        offered: z.array(languageSchema).check(z.minLength(1)),
      })
      .check(
        z.refine((l) => l.offered.includes(l.default), {
          message: "default must be one of the offered languages",
          path: ["default"],
        }),
      ),
    timezone: z.string().check(z.refine(isTimeZone, "must be an IANA time zone such as Europe/Brussels")),
    map: z
      .strictObject({
        centre: z.strictObject({ lat: latitude, lon: longitude }),
        bounds: z.strictObject({ south: latitude, west: longitude, north: latitude, east: longitude }),
        /**
         * Map tiles for the web app's map (an XYZ URL template with {z}, {x} and {y}). Without
         * tiles the map draws the city's cells on a plain background, and loads nothing from outside.
         */
        tiles: z.optional(
          z.strictObject({
            url: z
              .url({ protocol: /^https$/ })
              .check(
                z.refine(
                  (u) => ["{z}", "{x}", "{y}"].every((p) => u.includes(p)),
                  "must be an https URL template with {z}, {x} and {y}",
                ),
              ),
            /** Shown on the map, as tile providers require (e.g. "© OpenStreetMap contributors"). */
            attribution: z.string().check(z.minLength(1), z.maxLength(300)),
            maxZoom: z._default(z.int().check(z.gte(1), z.lte(22)), 18),
          }),
        ),
      })
      .check(
        z.refine((m) => m.bounds.south < m.bounds.north && m.bounds.west < m.bounds.east, {
          message: "south must be below north and west left of east",
          path: ["bounds"],
        }),
        z.refine(
          (m) =>
            m.centre.lat >= m.bounds.south &&
            m.centre.lat <= m.bounds.north &&
            m.centre.lon >= m.bounds.west &&
            m.centre.lon <= m.bounds.east,
          { message: "centre must lie inside bounds", path: ["centre"] },
        ),
      ),
    areas: z
      .array(z.strictObject({ id: slug, name: label, names: translations }))
      .check(z.minLength(1), z.refine(uniqueIds, "area ids must be unique")),
    skills: z
      .array(
        z.strictObject({
          id: slug,
          /** The name in the city's default language; `names` gives it in the other offered languages. */
          name: label,
          names: translations,
          /** Posts in a sensitive category (e.g. home visits) are shown only to verified members. */
          sensitive: z.optional(z.boolean()),
        }),
      )
      .check(z.minLength(1), z.refine(uniqueIds, "skill category ids must be unique")),
    ledger: z.strictObject({
      defaultCreditLimitMinutes: minutes,
      defaultMaxBalanceMinutes: minutes,
    }),
    notifications: z
      .strictObject({
        /** No email or SMS is sent in these hours (city time): notices wait, and go when they end. */
        quietHours: z.strictObject({ start: hhmm, end: hhmm }),
        /**
         * Sender address of email notices and of the sign-in mails, on `emailDomain` (the SES
         * domain identity, DKIM-signed, that the deploy creates).
         */
        emailFrom: z.optional(z.email()),
        /** The domain SES sends from and signs for. @default the domain of `emailFrom` */
        emailDomain: z.optional(domainName),
        /**
         * A Route 53 public hosted zone of `emailDomain`: the deploy then writes the DKIM and MAIL
         * FROM records itself. Without it, the records are stack outputs to copy to the DNS host.
         */
        emailHostedZone: z.optional(
          z.strictObject({
            id: z
              .string()
              .check(z.regex(/^Z[A-Z0-9]{1,32}$/, "must be a Route 53 hosted zone id like Z0123456789ABC")),
            name: domainName,
          }),
        ),
        /**
         * Set it once SES shows the domain identity verified (after the first deploy and its DNS
         * records): the sign-in mails then go through SES from `emailFrom`. Cognito refuses an
         * identity that is not verified yet, so until then it sends them from its own default sender.
         */
        emailVerified: z._default(z.boolean(), false),
        /** SMS costs money per message, so it is off unless the city turns it on (then `sms` is required). */
        smsEnabled: z._default(z.boolean(), false),
        sms: z.optional(smsSchema),
        /** Where links in email notices point (the city's web app). */
        appUrl: z.optional(z.url()),
      })
      .check(
        z.refine((n) => !n.smsEnabled || n.sms !== undefined, {
          message: "a city that turns SMS on must give its sms settings (senderId, monthlySpendLimitUsd)",
          path: ["sms"],
        }),
        z.refine((n) => n.emailDomain === undefined || n.emailFrom !== undefined, {
          message: "emailDomain needs an emailFrom address on it",
          path: ["emailDomain"],
        }),
        z.refine((n) => !n.emailFrom || !n.emailDomain || domainOf(n.emailFrom) === n.emailDomain, {
          message: "emailFrom must be an address on emailDomain",
          path: ["emailFrom"],
        }),
        z.refine(
          (n) =>
            !n.emailHostedZone ||
            !n.emailFrom ||
            onDomain(`x@${n.emailDomain ?? domainOf(n.emailFrom)}`, n.emailHostedZone.name),
          {
            message: "the hosted zone must be the email domain's or a parent of it",
            path: ["emailHostedZone"],
          },
        ),
      ),
    privacy: z._default(
      z.strictObject({
        /**
         * Geohash precision of the cell shown instead of a home location: 5 is about 5 km,
         * 6 about 1 km, 7 about 150 m. The exact point is never shown to anyone.
         */
        locationCellPrecision: z.int().check(z.gte(4), z.lte(7)),
      }),
      { locationCellPrecision: 6 },
    ),
    matching: z._default(
      z.strictObject({
        /** Relative weight of each part of a match score; they need not sum to 1. */
        weights: z.strictObject({
          skill: weight,
          distance: weight,
          availability: weight,
          language: weight,
          reciprocity: weight,
          trust: weight,
          responsiveness: weight,
          freshness: weight,
        }),
        /** How many of the best candidates are told at once. */
        notifyTopK: z.int().check(z.gte(1), z.lte(20)),
        /** At most this many match notices a member gets a day; the rest wait for the digest. */
        dailyMatchNotifications: z.int().check(z.gte(0), z.lte(20)),
        /** If nobody answers within this many hours, the next candidates are told. */
        responseWindowHours: z.int().check(z.gte(1), z.lte(24 * 14)),
        /** Matching never reaches further than this. */
        maxRadiusKm: z.number().check(z.gt(0), z.lte(100)),
        /**
         * Items each cell digest of the matching index is split into (by member id), so none nears
         * DynamoDB's 400 KB item limit: about one per 10,000 members (records are kept deflated: 2
         * kept the largest at 57 KB with 20,000). Each shard is one more key per cell a match
         * reads, and a smaller item each index write rewrites. On a running city, the
         * `match-index-layout` schedule moves the index to a new count.
         */
        digestShards: z._default(z.int().check(z.gte(1), z.lte(64)), 2),
      }),
      {
        weights: {
          skill: 0.35,
          distance: 0.2,
          availability: 0.1,
          language: 0.1,
          reciprocity: 0.08,
          trust: 0.1,
          responsiveness: 0.04,
          freshness: 0.03,
        },
        notifyTopK: 5,
        dailyMatchNotifications: 3,
        responseWindowHours: 24,
        maxRadiusKm: 10,
        digestShards: 2,
      },
    ),
    conversations: z._default(
      z.strictObject({
        /** Messages are deleted this many days after their conversation's last activity. */
        retentionDays: z.int().check(z.gte(1), z.lte(3650)),
        /**
         * Messages a member may send a day: `newMember` before any settled exchange, growing by
         * `perSettledExchange` with each one, up to `max` (a spam guard).
         */
        dailyMessages: z.strictObject({
          newMember: z.int().check(z.gte(1), z.lte(1000)),
          perSettledExchange: z.int().check(z.gte(0), z.lte(1000)),
          max: z.int().check(z.gte(1), z.lte(10_000)),
        }),
      }),
      { retentionDays: 365, dailyMessages: { newMember: 20, perSettledExchange: 10, max: 200 } },
    ),
    coordination: z._default(
      z.strictObject({
        /**
         * A member who has exchanged but settled nothing for this many days has "gone quiet": the
         * coordinators' list of members who might welcome a task shows them beside those who never
         * exchanged.
         */
        quietAfterDays: z.int().check(z.gte(7), z.lte(3650)),
      }),
      { quietAfterDays: 90 },
    ),
    /** Where the city publishes its membership terms; joining requires consenting to them. */
    termsUrl: z.optional(z.url()),
    /**
     * The version of the terms published at `termsUrl` (such as `2027-01`). Members record the
     * version they agree to; when the city names a new one, each member is asked again at their
     * next sign-in. Without it, the terms are not versioned and nobody is asked again.
     */
    termsVersion: z.optional(
      z
        .string()
        .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, "must be a short version such as 2027-01")),
    ),
    /**
     * How long personal data is kept, in days, per kind of record (the store's TTL removes it):
     * the council's retention rule, shown in the README's data map.
     */
    retention: z._default(
      z.strictObject({
        /** Inbox notices, from when they were written. */
        inboxDays: retentionDays,
        /** Matches, from when they were made. */
        matchDays: retentionDays,
        /** Audit-trail entries. */
        auditDays: retentionDays,
        /** Access records (who looked at a member's data). */
        accessLogDays: retentionDays,
        /** Records of notices sent by email or SMS. */
        deliveryDays: retentionDays,
        /**
         * Ended posts (fulfilled, expired, withdrawn), from when they ended; their matches go with
         * them. @default 365
         */
        postDays: z._default(retentionDays, 365),
        /**
         * Hours an export archive made in the background can be downloaded, from when it is
         * ready; then its link stops working and the archive and its job are deleted.
         */
        exportLinkHours: z._default(z.int().check(z.gte(1), z.lte(168)), 24),
      }),
      {
        inboxDays: 365,
        matchDays: 180,
        auditDays: 730,
        accessLogDays: 730,
        deliveryDays: 30,
        postDays: 365,
        exportLinkHours: 24,
      },
    ),
    operations: operationsSchema,
    /** Required to deploy (synth refuses a city without it); the local runtime does not need it. */
    aws: z.optional(awsSchema),
    edge: z._default(edgeSchema, { rateLimit: { requests: 1000, windowSeconds: 300 } }),
    signIn: z._default(signInSchema, { tier: "essentials" }),
  })
  .check(
    z.refine((c) => c.languages.offered.length === new Set(c.languages.offered).size, {
      message: "offered languages must not repeat",
      path: ["languages", "offered"],
    }),
    z.refine((c) => c.termsVersion === undefined || c.termsUrl !== undefined, {
      message: "a terms version needs the termsUrl where those terms are published",
      path: ["termsVersion"],
    }),
  );

export type City = z.infer<typeof citySchema>;
/** A city that names its AWS account and region: the only kind that can be deployed. */
export type DeployableCity = City & { aws: z.infer<typeof awsSchema> };

/** Thrown when a city file does not satisfy the schema; the message names every bad field and its rule. */
export class CityConfigError extends Error {
  constructor(source: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
    const lines = issues.map(
      (i) => `  - ${i.path.length ? i.path.map(String).join(".") : "(root)"}: ${i.message}`,
    );
    super(`City configuration ${source} is invalid:\n${lines.join("\n")}`);
    this.name = "CityConfigError";
  }
}

/**
 * Validates a parsed city document.
 * @throws CityConfigError naming each failing field and rule.
 */
export function parseCity(data: unknown, source = "(inline)"): City {
  const result = z.safeParse(citySchema, data);
  if (!result.success) throw new CityConfigError(source, result.error.issues);
  return result.data;
}

/**
 * Parses the JSON text of a city file.
 * @throws CityConfigError when the text is not JSON or the document is invalid.
 */
export function parseCityJson(text: string, source = "(inline)"): City {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CityConfigError(source, [{ path: [], message: `not valid JSON (${reason})` }]);
  }
  return parseCity(data, source);
}

/**
 * The city, checked for what a deploy needs beyond the schema: the AWS account and region.
 * @throws CityConfigError when the file does not pin them.
 */
export function deployableCity(city: City, source = "(inline)"): DeployableCity {
  const { aws } = city;
  if (!aws) {
    throw new CityConfigError(source, [
      {
        path: ["aws"],
        message:
          'name the AWS account and region the city deploys to, e.g. "aws": { "account": "123456789012", "region": "eu-west-1" }; a deploy never falls back to the CLI profile\'s',
      },
    ]);
  }
  return { ...city, aws };
}

/** The managed login's domain prefix: the city file's, or `mutua-<city id>`. */
export function signInDomainPrefix(city: City): string {
  return city.signIn.domainPrefix ?? `mutua-${city.id}`;
}
