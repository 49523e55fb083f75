/**
 * What AWS charges for what a city uses, per region, in US dollars. Transcribed by hand from the
 * public pricing pages named in `sources`, as they stood in June 2025 (after DynamoDB's on-demand
 * price cut of November 2024); not fetched live. Prices change rarely but they do change: check
 * the pages before a budget depends on a figure. Where a page gave no figure for a region to hand,
 * the figure is the us-east-1 price scaled by that region's DynamoDB ratio, and says so.
 */
export const PRICES_AS_OF = "2025-06";

export const sources = [
  "Amazon DynamoDB pricing: On-demand capacity (read and write request units, storage, continuous backups)",
  "AWS Lambda pricing (requests, duration per GB-second on Arm)",
  "Amazon API Gateway pricing: HTTP APIs",
  "Amazon Cognito pricing (Lite, Essentials and Plus feature plans, per monthly active user)",
  "Amazon Simple Email Service pricing (outbound email)",
  "Amazon SNS pricing (SMS: per-country prices on the SMS pricing page; email notifications)",
  "Amazon CloudWatch pricing (logs ingestion and storage, custom metrics, alarms, dashboards)",
  "AWS X-Ray pricing (traces recorded)",
  "Amazon SQS pricing (standard queue requests)",
  "AWS Budgets pricing (budgets without actions are free)",
  "Amazon CloudFront pricing and AWS WAF pricing (not deployed yet: placeholders)",
] as const;

export interface RegionPrices {
  name: string;
  dynamodb: {
    perMillionWrites: number;
    perMillionReads: number;
    storageGbMonth: number;
    pitrGbMonth: number;
  };
  lambda: { perMillionRequests: number; perGbSecondArm: number };
  httpApi: { perMillionRequests: number };
  cloudwatch: {
    logsIngestGb: number;
    logsStoreGbMonth: number;
    alarmMonth: number;
    dashboardMonth: number;
    customMetricMonth: number;
  };
  /** Figures derived (not read off a page) for this region, by name. */
  derived: readonly string[];
}

/** Prices that are the same in every region this table lists. */
export const globalPrices = {
  cognito: {
    /** Per monthly active user above the free 10,000 (Lite and Essentials); Plus has no free tier. */
    lite: 0.0055,
    essentials: 0.015,
    plus: 0.02,
    freeMau: 10_000,
  },
  ses: { perThousandEmails: 0.1 },
  /** SMS prices depend on the destination country; a placeholder for a European mobile. */
  sms: { perMessage: 0.08 },
  xray: { perMillionTraces: 5 },
  sqs: { perMillionRequests: 0.4 },
  cloudfront: { perGbOut: 0.085, perTenThousandHttps: 0.012 },
  waf: { webAclMonth: 5, ruleMonth: 1, perMillionRequests: 0.6 },
} as const;

/** Always-free allowances (per account and month, shared by everything in it). */
export const freeTier = {
  lambdaRequests: 1_000_000,
  lambdaGbSeconds: 400_000,
  cloudwatchAlarms: 10,
  cloudwatchDashboards: 3,
  cloudwatchCustomMetrics: 10,
  cloudwatchLogsGb: 5,
  xrayTraces: 100_000,
  sqsRequests: 1_000_000,
  dynamodbStorageGb: 25,
} as const;

const useast1: RegionPrices = {
  name: "US East (N. Virginia)",
  dynamodb: { perMillionWrites: 0.625, perMillionReads: 0.125, storageGbMonth: 0.25, pitrGbMonth: 0.2 },
  lambda: { perMillionRequests: 0.2, perGbSecondArm: 0.0000133334 },
  httpApi: { perMillionRequests: 1.0 },
  cloudwatch: {
    logsIngestGb: 0.5,
    logsStoreGbMonth: 0.03,
    alarmMonth: 0.1,
    dashboardMonth: 3,
    customMetricMonth: 0.3,
  },
  derived: [],
};

/** A region's prices as the us-east-1 ones times `ratio`, for the figures named in `derived`. */
function scaled(
  ratio: number,
  overrides: Omit<RegionPrices, "derived" | "httpApi"> & { derived?: string[] },
) {
  return {
    ...overrides,
    httpApi: { perMillionRequests: Math.round(useast1.httpApi.perMillionRequests * ratio * 100) / 100 },
    derived: [...(overrides.derived ?? []), "httpApi.perMillionRequests"],
  } satisfies RegionPrices;
}

export const regions: Record<string, RegionPrices> = {
  "us-east-1": useast1,
  "eu-west-1": scaled(1.13, {
    name: "Europe (Ireland)",
    dynamodb: {
      perMillionWrites: 0.7068,
      perMillionReads: 0.1413,
      storageGbMonth: 0.283,
      pitrGbMonth: 0.226,
    },
    lambda: { perMillionRequests: 0.2, perGbSecondArm: 0.0000133334 },
    cloudwatch: {
      logsIngestGb: 0.57,
      logsStoreGbMonth: 0.03,
      alarmMonth: 0.1,
      dashboardMonth: 3,
      customMetricMonth: 0.3,
    },
  }),
  "eu-central-1": scaled(1.22, {
    name: "Europe (Frankfurt)",
    dynamodb: {
      perMillionWrites: 0.7625,
      perMillionReads: 0.1525,
      storageGbMonth: 0.306,
      pitrGbMonth: 0.244,
    },
    lambda: { perMillionRequests: 0.2, perGbSecondArm: 0.0000133334 },
    cloudwatch: {
      logsIngestGb: 0.63,
      logsStoreGbMonth: 0.0324,
      alarmMonth: 0.1,
      dashboardMonth: 3,
      customMetricMonth: 0.3,
    },
  }),
};
