import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UpdateTableCommand } from "@aws-sdk/client-dynamodb";
import { monotonicFactory } from "ulid";
import { systemClock } from "#domain/kernel/clock.ts";
import { type Member, newMember } from "#domain/membership/member.ts";
import { parseCityJson } from "#shared/config/city.ts";
import { ensureTable } from "../infra/local/bootstrap.ts";
import { repoRoot } from "../infra/local/paths.ts";
import { startStore } from "../infra/local/store.ts";
import { DynamoConversationRepository } from "../shared/data/conversation-repository.ts";
import { ledgerRepositories } from "../shared/data/ledger-deps.ts";
import { DynamoMatchRepository, DynamoMatchSignalsRepository } from "../shared/data/match-repository.ts";
import { DynamoMemberRepository } from "../shared/data/member-repository.ts";
import { retainUntil } from "../shared/domain/conversations/conversation.ts";
import {
  type ConversationDeps,
  listMyConversations,
  sendMessage,
} from "../shared/domain/conversations/messaging.ts";
import { instrumentedClient, itemsReturned, Recorder } from "./support/instrument.ts";
import { quantile } from "./support/stats.ts";

/**
 * What sending a message and listing one's conversations cost against the embedded store: calls,
 * sequential depth (rounds of calls one after another) and the capacity units the store reports.
 */
const TABLE = "mutua-bench-conversations";
const CONVERSATIONS = 10;
const SENDS = 40;

function person(id: string, name: string): Member {
  const at = new Date().toISOString();
  return newMember({
    memberId: id,
    kind: "person",
    displayName: name,
    status: "active",
    roles: ["resident"],
    coordinatorAreas: [],
    area: "old-town",
    languages: ["en"],
    createdAt: at,
    updatedAt: at,
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const city = parseCityJson(readFileSync(resolve(repoRoot, "cities/example.json"), "utf8"), "example");
  const store = await startStore({ useEnvironment: false });
  const recorder = new Recorder();
  const { client, db } = instrumentedClient(store.endpoint, recorder, {
    returnConsumedCapacity: "INDEXES",
    itemsRead: itemsReturned,
    recordFailed: false,
  });
  try {
    await ensureTable(client, TABLE);
    await client.send(
      new UpdateTableCommand({ TableName: TABLE, StreamSpecification: { StreamEnabled: false } }),
    );
    const ulid = monotonicFactory();
    const deps: ConversationDeps = {
      // A limit the bench does not reach: it measures sends, not the spam guard.
      city: {
        ...city,
        conversations: {
          ...city.conversations,
          dailyMessages: { newMember: 1000, perSettledExchange: 0, max: 1000 },
        },
      },
      clock: systemClock,
      ids: { next: () => ulid() },
      members: new DynamoMemberRepository(db, TABLE),
      matches: new DynamoMatchRepository(db, TABLE),
      exchanges: ledgerRepositories(db, TABLE).exchanges,
      signals: new DynamoMatchSignalsRepository(db, TABLE),
      conversations: new DynamoConversationRepository(db, TABLE),
    };
    const me = person("bench-me", "Ana");
    await deps.members.create(me, "bench-me");
    // Ten conversations with ten people, each opened by a first message (as a send would).
    const conversationIds: string[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const other = person(`bench-other-${i}`, `Person ${i}`);
      await deps.members.create(other, `bench-other-${i}`);
      const conversationId = `bench-conv-${i}`;
      conversationIds.push(conversationId);
      const now = new Date();
      const at = now.toISOString();
      await deps.conversations.send({
        conversation: {
          conversationId,
          source: "exchange",
          parties: [me.memberId, other.memberId],
          category: "gardening",
          sensitive: false,
          createdAt: at,
          lastActivityAt: at,
          messageCount: 1,
          reportAreas: [],
          retainUntil: retainUntil(city.conversations, now),
        },
        isNew: true,
        message: {
          conversationId,
          messageId: ulid(),
          senderId: other.memberId,
          clientMessageId: `bench-first-${i}`,
          text: "Hello!",
          linksAllowed: false,
          createdAt: at,
        },
        senderId: other.memberId,
        recipients: [me.memberId],
        day: at.slice(0, 10),
        dailyLimit: 1000,
      });
    }

    const measure = async (work: () => Promise<unknown>) => {
      recorder.reset();
      recorder.on = true;
      await work();
      recorder.on = false;
      const calls = recorder.calls;
      return {
        calls: calls.length,
        depth: Math.max(0, ...calls.map((c) => c.depth)),
        readCapacity: calls.reduce((n, c) => n + c.readCapacity, 0),
        writeCapacity: calls.reduce((n, c) => n + c.writeCapacity, 0),
        itemsRead: calls.reduce((n, c) => n + c.itemsRead, 0),
        itemsWritten: calls.reduce((n, c) => n + c.itemsWritten, 0),
      };
    };

    const sends: Awaited<ReturnType<typeof measure>>[] = [];
    for (let i = 0; i < SENDS; i++) {
      const conversationId = conversationIds[i % CONVERSATIONS] ?? "";
      sends.push(
        await measure(() =>
          sendMessage(deps, { actor: me, subject: me }, conversationId, {
            clientMessageId: `bench-send-${String(i).padStart(4, "0")}`,
            text: "See you on Saturday at ten.",
          }),
        ),
      );
    }
    const lists: Awaited<ReturnType<typeof measure>>[] = [];
    for (let i = 0; i < 10; i++) {
      lists.push(await measure(() => listMyConversations(deps, me, { limit: 20 })));
    }
    const figures = (name: string, runs: Awaited<ReturnType<typeof measure>>[]) => {
      const of = (key: keyof (typeof runs)[number]) => runs.map((r) => r[key]);
      return {
        [`${name}.callsMedian`]: quantile(of("calls"), 0.5),
        [`${name}.depthMax`]: Math.max(...of("depth")),
        [`${name}.readCapacityMedian`]: quantile(of("readCapacity"), 0.5),
        [`${name}.writeCapacityMedian`]: quantile(of("writeCapacity"), 0.5),
        [`${name}.itemsReadMedian`]: quantile(of("itemsRead"), 0.5),
        [`${name}.itemsWrittenMedian`]: quantile(of("itemsWritten"), 0.5),
      };
    };
    return {
      conversations: CONVERSATIONS,
      sends: SENDS,
      ...figures("send", sends),
      ...figures("listConversations", lists),
    };
  } finally {
    await store.stop();
  }
}
