import path from "node:path";
import { Duration, Validations } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
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
  table: ITableV2;
  access: TableAccess;
  /** @default 256 */
  memorySize?: number;
  /** @default 10 seconds */
  timeout?: Duration;
  /** X-Ray active tracing. @default false */
  tracing?: boolean;
}

/**
 * The one way Mutua declares a Lambda function: nodejs22.x on arm64, an ESM bundle built by the
 * local esbuild, its own log group with a retention, and a role that holds nothing but its log
 * stream and the table access it asked for.
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
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      description: `Mutua ${props.description}`,
      role: this.role,
      logGroup: this.logGroup,
      tracing: props.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      bundling: nodejsBundling(props.bundle),
    });
    this.useTable(props.table, props.access);

    Validations.of(this.function).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "nodejs22.x is the runtime the engineering guide pins and the bundles target (esbuild node22); " +
        "moving to a newer runtime is a deliberate, tested upgrade rather than a drift.",
    });
    if (props.tracing) {
      Validations.of(this.role).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason: "X-Ray PutTraceSegments and PutTelemetryRecords accept no resource other than '*'.",
      });
    }
  }

  /**
   * Grants the table access and sets TABLE_NAME in one step, so a function can never hold the
   * name without the permission or the permission without the name. Indexes are listed by name
   * from the table definition rather than `index/*`.
   */
  private useTable(table: ITableV2, access: TableAccess): void {
    const actions = access === "readWrite" ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS;
    const resources = [
      table.tableArn,
      ...tableDefinition.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
    ];
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources }));
    this.function.addEnvironment("TABLE_NAME", table.tableName);
  }
}
