import path from "node:path";
import { Duration, Validations } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { Effect, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from "aws-cdk-lib/aws-lambda";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { keys, LEDGER_ENTRY_KEY_PREFIXES } from "#data/keys.ts";
import { table as tableDefinition } from "#data/table.ts";
import { repoRoot } from "../repo-root.ts";
import { type LambdaBundle, nodejsBundling } from "./bundling.ts";

export type TableAccess = "read" | "readWrite";

// Only what the repositories call: no Scan (never on a request path) and no table management.
// ConditionCheckItem is what a TransactWriteItems condition check is authorised as.
const READ_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
  "dynamodb:ConditionCheckItem",
];
const WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
];

export interface HouseFunctionProps {
  /**
   * The entry module, relative to the repository root (a manifest handler module such as
   * `functions/streams/matching.ts`) or absolute (a generated HTTP entry); it exports `handler`.
   */
  entry: string;
  /** The manifest's function name, e.g. `http-posts`: the role's description. */
  name: string;
  /** What the function serves, for the console: `Mutua <description>`. */
  description: string;
  /** The bundle settings (with the city inlined), shared by every function of the stack. */
  bundle: LambdaBundle;
  /** The city's table, with the access the function needs; none for a function that never reads it. */
  table?: ITableV2;
  access: TableAccess;
  /**
   * A read-only function that serves signed-in routes may still add access records (a
   * coordinator's read of a member's data leaves one): PutItem on `ACCESS#` keys alone.
   */
  addsAccessRecords?: boolean;
  /**
   * The function posts to the ledger. Every other function that may write is denied writing
   * journal lines and transfers (an IAM condition on the items' partition keys).
   */
  writesLedger: boolean;
  /** Schedules whose checkpoint item the function may write, whatever its table access. */
  checkpoints: readonly string[];
  /** @default 256 */
  memorySize?: number;
  /** @default 10 seconds */
  timeout?: Duration;
}

/**
 * The one way Mutua declares a Lambda function: nodejs24.x on arm64, an ESM bundle built by the
 * local esbuild, X-Ray active tracing, JSON logs in its own log group with a retention, and a role
 * that holds nothing but its log stream, its traces and the table access it asked for.
 */
export class HouseFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: HouseFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, "Logs", { retention: RetentionDays.ONE_MONTH });
    // An explicit role instead of AWSLambdaBasicExecutionRole, whose log grant covers every group.
    this.role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: `Mutua ${props.name}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, "Function", {
      entry: path.resolve(repoRoot, props.entry),
      handler: "handler",
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, "package-lock.json"),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      description: `Mutua ${props.description}`,
      role: this.role,
      logGroup: this.logGroup,
      // Active tracing is configuration, not code: Lambda records each invocation's segment
      // (init, duration, errors) with nothing in the bundle. SDK-call subsegments would need the
      // X-Ray SDK or OpenTelemetry inside every bundle; the JSON logs carry the request id instead.
      tracing: Tracing.ACTIVE,
      // Lambda's own records (start, report with init and duration) as JSON; the function's lines
      // are JSON already (shared/logger.ts), so one Logs Insights query reads both.
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.INFO,
      bundling: nodejsBundling(props.bundle),
    });
    if (props.table) {
      this.useTable(
        props.table,
        props.access,
        props.writesLedger,
        props.checkpoints,
        props.addsAccessRecords ?? false,
      );
    }

    Validations.of(this.role).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason: "X-Ray PutTraceSegments and PutTelemetryRecords accept no resource other than '*'.",
    });
  }

  /**
   * Grants the table access and sets TABLE_NAME in one step, so a function can never hold the
   * name without the permission or the permission without the name. Indexes are listed by name
   * from the table definition rather than `index/*`.
   */
  private useTable(
    table: ITableV2,
    access: TableAccess,
    writesLedger: boolean,
    checkpoints: readonly string[],
    addsAccessRecords: boolean,
  ): void {
    const actions = access === "readWrite" ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS;
    const resources = [
      table.tableArn,
      ...tableDefinition.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
    ];
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
    if (access === "readWrite" && !writesLedger) {
      // Journal lines and transfers are written by the ledger's writers only. An explicit deny
      // wins over any allow, for a transaction's items as for single writes.
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          effect: Effect.DENY,
          actions: WRITE_ACTIONS,
          resources: [table.tableArn],
          conditions: {
            "ForAnyValue:StringLike": {
              "dynamodb:LeadingKeys": LEDGER_ENTRY_KEY_PREFIXES.map((prefix) => `${prefix}*`),
            },
          },
        }),
      );
    }
    if (access === "read" && checkpoints.length > 0) {
      // A reader that works in passes writes its own checkpoint item, and nothing else.
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ["dynamodb:PutItem"],
          resources: [table.tableArn],
          conditions: {
            "ForAllValues:StringEquals": {
              "dynamodb:LeadingKeys": checkpoints.map((job) => keys.scheduleCheckpoint(job).pk),
            },
          },
        }),
      );
    }
    if (access === "read" && addsAccessRecords) {
      // A read that reaches a member's personal data leaves an access record: a read-only function
      // may add items to ACCESS# partitions and nothing else.
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ["dynamodb:PutItem"],
          resources: [table.tableArn],
          conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["ACCESS#*"] } },
        }),
      );
    }
    this.function.addEnvironment("TABLE_NAME", table.tableName);
  }
}
