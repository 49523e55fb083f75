import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type { LedgerReportRepository, ReportIncrement, ReportItem } from "#domain/ledger/ports.ts";
import { ALL_TIME } from "#domain/ledger/reports.ts";
import { keys } from "./keys.ts";

type TransactItem = NonNullable<TransactWriteCommandInput["TransactItems"]>[number];

const KEY_ATTRIBUTES = new Set(["pk", "sk", "entity"]);

/** Several increments of one item become one (a transaction may touch an item only once). */
function merged(increments: readonly ReportIncrement[]): ReportIncrement[] {
  const bySk = new Map<string, ReportIncrement>();
  for (const inc of increments) {
    const current = bySk.get(inc.sk) ?? { sk: inc.sk, adds: {}, labels: {} };
    for (const [name, n] of Object.entries(inc.adds)) current.adds[name] = (current.adds[name] ?? 0) + n;
    Object.assign(current.labels ?? {}, inc.labels ?? {});
    bySk.set(inc.sk, current);
  }
  return [...bySk.values()];
}

export class DynamoLedgerReportRepository implements LedgerReportRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private increment(month: string, inc: ReportIncrement): TransactItem {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ":entity": "LedgerReport" };
    const sets = ["entity = :entity"];
    const adds: string[] = [];
    Object.entries(inc.labels ?? {}).forEach(([name, value], i) => {
      names[`#l${i}`] = name;
      values[`:l${i}`] = value;
      sets.push(`#l${i} = :l${i}`);
    });
    Object.entries(inc.adds).forEach(([name, n], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = n;
      adds.push(`#a${i} :a${i}`);
    });
    return {
      Update: {
        TableName: this.tableName,
        Key: keys.ledgerReport(month, inc.sk),
        UpdateExpression: `SET ${sets.join(", ")}${adds.length > 0 ? ` ADD ${adds.join(", ")}` : ""}`,
        ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      },
    };
  }

  /** Runs a guarded transaction; false when the guard existed (already applied). */
  private async once(month: string, marker: string, updates: TransactItem[]): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...keys.ledgerReportMarker(month, marker), entity: "LedgerReportMarker" },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            ...updates,
          ],
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === "ConditionalCheckFailed"
      ) {
        return false;
      }
      throw error;
    }
  }

  applyTransfer(transferId: string, month: string, increments: readonly ReportIncrement[]): Promise<boolean> {
    return this.once(
      month,
      `TRANSFER#${transferId}`,
      merged(increments).map((inc) => this.increment(month, inc)),
    );
  }

  async markParticipant(month: string, memberId: string, area: string): Promise<void> {
    await this.once(month, `ACTIVE#${memberId}`, [
      this.increment(month, { sk: `AREA#${area}`, adds: { activeMembers: 1 } }),
    ]);
    await this.once(ALL_TIME, `EVER#${memberId}`, [
      this.increment(ALL_TIME, { sk: `AREA#${area}`, adds: { everExchanged: 1 } }),
    ]);
  }

  async readMonth(month: string): Promise<ReportItem[]> {
    const items: ReportItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.ledgerReport(month, "").pk },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const numbers: Record<string, number> = {};
        const labels: Record<string, string> = {};
        for (const [name, value] of Object.entries(item)) {
          if (KEY_ATTRIBUTES.has(name)) continue;
          if (typeof value === "number") numbers[name] = value;
          else if (typeof value === "string") labels[name] = value;
        }
        items.push({ sk: String(item.sk), numbers, labels });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
