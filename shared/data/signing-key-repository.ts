import { randomBytes } from "node:crypto";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { SigningKeyRepository } from "#domain/notices/ports.ts";
import * as z from "#shared/zod.ts";
import { keys } from "./keys.ts";

const KEY_BYTES = 32;
const storedKeySchema = z.object({ secret: z.string().check(z.minLength(43)) });

/**
 * The city's link-signing keys, one item per purpose in the table: 256 random bits, written once
 * by a create-only put from whichever function needs the key first (a second writer reads the
 * winner's). The table is encrypted at rest and only Mutua's functions read it, which may change a
 * member directly anyway; a key in the table costs nothing and is the same locally and in AWS.
 * Deleting the item rotates the key (links already sent then stop working).
 */
export class DynamoSigningKeyRepository implements SigningKeyRepository {
  private readonly known = new Map<string, Uint8Array>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async find(purpose: string): Promise<Uint8Array | undefined> {
    const cached = this.known.get(purpose);
    if (cached) return cached;
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: keys.signingKey(purpose), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const key = new Uint8Array(Buffer.from(storedKeySchema.parse(Item).secret, "base64url"));
    this.known.set(purpose, key);
    return key;
  }

  async findOrCreate(purpose: string): Promise<Uint8Array> {
    const found = await this.find(purpose);
    if (found) return found;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.signingKey(purpose),
            entity: "SigningKey",
            purpose,
            secret: randomBytes(KEY_BYTES).toString("base64url"),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      // Another function made it first: use theirs.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    const made = await this.find(purpose);
    if (!made) throw new Error(`The ${purpose} signing key could not be read back`);
    return made;
  }
}
