import type { Exchange } from "#domain/exchanges/exchange.ts";

/** When the sample exchange was proposed and last changed. */
export const sampleAt = "2025-03-01T10:00:00.000Z";

/** A workshop proposed by Pia (provider `p`) for Rob and Rae (receivers `r1`, `r2`), an hour each. */
export function sampleExchange(fields: Partial<Exchange> = {}): Exchange {
  return {
    exchangeId: "E1",
    status: "proposed",
    parties: [
      { memberId: "p", role: "provider", kind: "person", displayName: "Pia", area: "old-town" },
      { memberId: "r1", role: "receiver", kind: "person", displayName: "Rob", area: "old-town" },
      { memberId: "r2", role: "receiver", kind: "person", displayName: "Rae", area: "old-town" },
    ],
    legs: [
      { providerId: "p", receiverId: "r1", agreedMinutes: 60 },
      { providerId: "p", receiverId: "r2", agreedMinutes: 60 },
    ],
    proposedBy: "p",
    category: "cooking",
    area: "old-town",
    acceptedBy: [],
    confirmedBy: [],
    createdAt: sampleAt,
    updatedAt: sampleAt,
    statusAt: sampleAt,
    updatedBy: "p",
    version: 1,
    ...fields,
  };
}
