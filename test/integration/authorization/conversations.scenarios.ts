import type { TestCity } from "../../support/city.ts";
import {
  actFor,
  coordinatorInScopeDecides,
  coordinatorsOnly,
  freshOwner,
  type Owner,
  type Scenario,
  selfOrHelpers,
} from "./matrix.ts";

const MISSING_CONVERSATION = "01MISSINGCONVERSATION00000";
let sent = 0;

/**
 * A conversation the owner is a side of: the owner proposes an exchange with a fresh member (the
 * exchange's id is the conversation's id) and writes the first message.
 */
async function ownersConversation(city: TestCity, owner: Owner): Promise<string> {
  const other = await freshOwner(city);
  const proposed = await city.call("POST", "/exchanges", {
    as: owner.login,
    body: { providerIds: [other.id], receiverIds: [owner.id], minutes: 60, category: "diy-repairs" },
  });
  if (proposed.status !== 201) throw new Error(`could not propose the matrix exchange: ${proposed.text}`);
  const conversationId = (proposed.body as { exchangeId: string }).exchangeId;
  const first = await city.call("POST", `/conversations/${conversationId}/messages`, {
    as: owner.login,
    body: { clientMessageId: `matrix-${++sent}`, text: "Hello from the matrix" },
  });
  if (first.status !== 201) throw new Error(`could not write the first message: ${first.text}`);
  return conversationId;
}

/** A conversation of the owner's that the other side reported. */
async function reportedConversation(
  city: TestCity,
  owner: Owner,
): Promise<{ conversationId: string; reportId: string }> {
  const conversationId = await ownersConversation(city, owner);
  const reported = await city.call("POST", `/conversations/${conversationId}/reports`, {
    as: owner.login,
    body: { reason: "spam" },
  });
  if (reported.status !== 201) throw new Error(`could not report the conversation: ${reported.text}`);
  return { conversationId, reportId: (reported.body as { reportId: string }).reportId };
}

/**
 * Conversations: only the sides (or whoever acts for one of them) read, write, block or report;
 * the report queue is for coordinators; a decision is for a coordinator whose area the report
 * reaches (Dora: Old Town, where owners live), never for Emil (Hillcrest).
 */
export const conversationScenarios: Record<string, Scenario> = {
  "GET /me/conversations": {
    setup: async (_city, owner) => ({ path: "/me/conversations", ...actFor(owner) }),
    expect: selfOrHelpers,
  },
  "GET /conversations/{conversationId}/messages": {
    setup: async (city, owner) => ({
      path: `/conversations/${await ownersConversation(city, owner)}/messages`,
      missingPath: `/conversations/${MISSING_CONVERSATION}/messages`,
      ...actFor(owner),
    }),
    expect: selfOrHelpers,
  },
  "POST /conversations/{conversationId}/messages": {
    setup: async (city, owner) => {
      const conversationId = await ownersConversation(city, owner);
      return {
        path: `/conversations/${conversationId}/messages`,
        body: { clientMessageId: `matrix-${++sent}`, text: "A second message" },
        missingPath: `/conversations/${MISSING_CONVERSATION}/messages`,
        ...actFor(owner),
      };
    },
    expect: { ...selfOrHelpers, owner: 201, coordinatorInScope: 201, admin: 201 },
  },
  "POST /conversations/{conversationId}/read": {
    setup: async (city, owner) => ({
      path: `/conversations/${await ownersConversation(city, owner)}/read`,
      missingPath: `/conversations/${MISSING_CONVERSATION}/read`,
      ...actFor(owner),
    }),
    expect: selfOrHelpers,
  },
  "POST /conversations/{conversationId}/block": {
    setup: async (city, owner) => ({
      path: `/conversations/${await ownersConversation(city, owner)}/block`,
      body: {},
      missingPath: `/conversations/${MISSING_CONVERSATION}/block`,
      ...actFor(owner),
    }),
    expect: selfOrHelpers,
  },
  "POST /conversations/{conversationId}/reports": {
    setup: async (city, owner) => ({
      path: `/conversations/${await ownersConversation(city, owner)}/reports`,
      body: { reason: "spam" },
      missingPath: `/conversations/${MISSING_CONVERSATION}/reports`,
      ...actFor(owner),
    }),
    expect: { ...selfOrHelpers, owner: 201, coordinatorInScope: 201, admin: 201 },
  },
  "GET /conversation-reports": {
    setup: async () => ({ path: "/conversation-reports" }),
    expect: coordinatorsOnly,
  },
  "POST /conversations/{conversationId}/reports/{reportId}/decision": {
    setup: async (city, owner) => {
      const { conversationId, reportId } = await reportedConversation(city, owner);
      return {
        path: `/conversations/${conversationId}/reports/${reportId}/decision`,
        body: { decision: "dismiss" },
        missingPath: `/conversations/${conversationId}/reports/01MISSINGREPORT00000000000/decision`,
      };
    },
    expect: coordinatorInScopeDecides,
  },
};
