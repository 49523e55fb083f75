import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError } from "#domain/kernel/errors.ts";
import type { Page, PageRequest } from "#domain/kernel/paging.ts";
import {
  isActive,
  isCoordinatorOrAdmin,
  type Member,
  type MemberStatus,
  memberSchema,
} from "#domain/membership/member.ts";
import type { MemberRepository } from "#domain/membership/ports.ts";
import * as z from "#shared/zod.ts";
import { batchGetItems } from "./batch-get.ts";
import { transactOrConflict } from "./cancellation.ts";
import { entityKeys, storePaging } from "./cursor.ts";
import { keys } from "./keys.ts";

/** The member's own record of a login, so erasure can find and delete the link (keys.ts). */
function loginItem(memberId: string, subject: string): Record<string, unknown> {
  return { ...keys.memberLogin(memberId, subject), entity: "MemberLogin", memberId, subject };
}

const identityLinkSchema = z.object({ memberId: z.string() });

/**
 * The stored item: the member plus its keys and the index attributes derived from it. Active
 * coordinators and admins are also in the sparse `activeCoordinators` index (one small partition).
 */
export function memberItem(member: Member): Record<string, unknown> {
  return {
    ...keys.member(member.memberId),
    entity: "Member",
    ...member,
    statusPk: keys.membersByStatus(member.status, member.area),
    statusSk: `${member.createdAt}#${member.memberId}`,
    // Only active coordinators and admins are in the activeCoordinators index (a Put without the
    // attributes takes a member out of it).
    ...(isActive(member) && isCoordinatorOrAdmin(member)
      ? { coordinatorPk: keys.activeCoordinators, coordinatorSk: member.memberId }
      : {}),
  };
}
const itemOf = memberItem;

/** The pointers "this person administers this organisation", one per admin of an organisation. */
function adminPointers(member: Member): Record<string, unknown>[] {
  if (member.kind !== "organisation") return [];
  return member.admins.map((personId) => ({
    ...keys.organisationAdmin(personId, member.memberId),
    entity: "OrganisationAdmin",
    personId,
    organisationId: member.memberId,
  }));
}

export class DynamoMemberRepository implements MemberRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(memberId: string): Promise<Member | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.member(memberId), ConsistentRead: true }),
    );
    return Item ? memberSchema.parse(Item) : undefined;
  }

  async getMany(memberIds: readonly string[]): Promise<Map<string, Member>> {
    const items = await batchGetItems(
      this.db,
      this.tableName,
      memberIds.map((id) => keys.member(id)),
    );
    return new Map(items.map((item) => memberSchema.parse(item)).map((m) => [m.memberId, m]));
  }

  async getBySubject(subject: string): Promise<Member | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.identity(subject), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return this.get(identityLinkSchema.parse(Item).memberId);
  }

  async create(member: Member, subject: string | undefined): Promise<void> {
    // Create-only: attribute_not_exists on both items so neither a member nor a login is overwritten.
    const items: Record<string, unknown>[] = [itemOf(member), ...adminPointers(member)];
    if (subject) {
      items.push({ ...keys.identity(subject), entity: "IdentityLink", memberId: member.memberId, subject });
      items.push(loginItem(member.memberId, subject));
    }
    await transactOrConflict(
      this.db,
      items.map((Item) => ({
        Put: { TableName: this.tableName, Item, ConditionExpression: "attribute_not_exists(pk)" },
      })),
      "A member with this id or login already exists",
    );
  }

  async update(next: Member, expectedUpdatedAt: string): Promise<void> {
    // Optimistic lock: the write lands only if nobody changed the member since it was read, so two
    // coordinators approving and declining at once cannot both win.
    const pointers = adminPointers(next);
    if (pointers.length > 0) {
      // An organisation's admins' pointers land with it, so a new admin finds it at once.
      await transactOrConflict(
        this.db,
        [
          {
            Put: {
              TableName: this.tableName,
              Item: itemOf(next),
              ConditionExpression: "attribute_exists(pk) AND updatedAt = :expected",
              ExpressionAttributeValues: { ":expected": expectedUpdatedAt },
            },
          },
          ...pointers.map((Item) => ({ Put: { TableName: this.tableName, Item } })),
        ],
        "The member was changed by someone else; reload and try again",
      );
      return;
    }
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: itemOf(next),
          ConditionExpression: "attribute_exists(pk) AND updatedAt = :expected",
          ExpressionAttributeValues: { ":expected": expectedUpdatedAt },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError("The member was changed by someone else; reload and try again", undefined, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async listAdministeredOrganisationIds(personId: string): Promise<string[]> {
    const found: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: {
            ":pk": keys.member(personId).pk,
            ":prefix": keys.organisationAdminPrefix,
          },
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(page.Items ?? []).map((item) => String(item.organisationId)));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }

  async listByStatus(status: MemberStatus, area: string, page: PageRequest): Promise<Page<Member>> {
    const partition = keys.membersByStatus(status, area);
    const paging = storePaging({ index: "membersByStatus", partition, item: entityKeys(keys.member("")) });
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: "membersByStatus",
        KeyConditionExpression: "statusPk = :pk",
        ExpressionAttributeValues: { ":pk": partition },
        Limit: page.limit,
        ExclusiveStartKey: paging.start(page.cursor),
      }),
    );
    const nextCursor = paging.next(result.LastEvaluatedKey);
    return {
      items: (result.Items ?? []).map((item) => memberSchema.parse(item)),
      ...(nextCursor ? { nextCursor } : {}),
    };
  }

  async claimFirstAdmin(
    admin: Member,
    link: { subject: string } | { expectedUpdatedAt: string },
  ): Promise<"claimed" | "taken" | "changed"> {
    const guard = {
      Put: {
        TableName: this.tableName,
        Item: { ...keys.firstAdmin(), entity: "FirstAdmin", memberId: admin.memberId, at: admin.updatedAt },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    };
    const member =
      "subject" in link
        ? [
            {
              Put: {
                TableName: this.tableName,
                Item: itemOf(admin),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  ...keys.identity(link.subject),
                  entity: "IdentityLink",
                  memberId: admin.memberId,
                  subject: link.subject,
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            { Put: { TableName: this.tableName, Item: loginItem(admin.memberId, link.subject) } },
          ]
        : [
            {
              Put: {
                TableName: this.tableName,
                Item: itemOf(admin),
                ConditionExpression: "attribute_exists(pk) AND updatedAt = :expected",
                ExpressionAttributeValues: { ":expected": link.expectedUpdatedAt },
              },
            },
          ];
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: [guard, ...member] }));
      return "claimed";
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [guardCode] = (error.CancellationReasons ?? []).map((r) => r.Code ?? "None");
      return guardCode === "ConditionalCheckFailed" ? "taken" : "changed";
    }
  }

  async listCoordinators(): Promise<Member[]> {
    const found: Member[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: "activeCoordinators",
          KeyConditionExpression: "coordinatorPk = :pk",
          ExpressionAttributeValues: { ":pk": keys.activeCoordinators },
          ExclusiveStartKey: start,
        }),
      );
      found.push(...(page.Items ?? []).map((item) => memberSchema.parse(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }

  async countByStatus(status: MemberStatus, area: string): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: "membersByStatus",
          KeyConditionExpression: "statusPk = :pk",
          ExpressionAttributeValues: { ":pk": keys.membersByStatus(status, area) },
          Select: "COUNT",
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }
}
