import { randomUUID } from "node:crypto";
import { functionName, type Manifest } from "../manifest.ts";
import { loadHandler } from "./handlers.ts";
import type { LocalRoute } from "./http-adapter.ts";
import { lambdaContext } from "./lambda-context.ts";

/** EventBridge's detail-type for each SES event type a configuration set publishes. */
const detailTypes: Record<string, string> = {
  Bounce: "Email Bounced",
  Complaint: "Email Complaint Received",
  Delivery: "Email Delivered",
  Send: "Email Sent",
};

function detailTypeOf(detail: unknown): string | undefined {
  const eventType =
    typeof detail === "object" && detail !== null && "eventType" in detail ? detail.eventType : undefined;
  return typeof eventType === "string" ? detailTypes[eventType] : undefined;
}

function refuse(message: string) {
  return { status: 400, body: { error: { code: "VALIDATION_FAILED", message } } };
}

/**
 * Hands an SES event (the JSON SES publishes: `eventType`, `mail`, `bounce` or `complaint`) to
 * the manifest's event consumers whose pattern takes it, in the envelope EventBridge wraps it in.
 * Nothing leaves one machine, so nothing bounces by itself: this is how a bounce is tried locally.
 */
export async function deliverMailEvent(manifest: Manifest, detail: unknown): Promise<number> {
  const detailType = detailTypeOf(detail);
  if (!detailType) throw new Error("not an SES event: eventType must be Bounce, Complaint, Delivery or Send");
  const consumers = manifest.events.filter(
    (e) => e.pattern.source === "aws.ses" && e.pattern.detailTypes.includes(detailType),
  );
  for (const consumer of consumers) {
    const handler = await loadHandler(consumer.handler);
    await handler(
      {
        version: "0",
        id: randomUUID(),
        "detail-type": detailType,
        source: "aws.ses",
        account: "000000000000",
        time: new Date().toISOString(),
        region: "local",
        resources: [],
        detail,
      },
      lambdaContext(functionName(consumer.handler)),
    );
  }
  return consumers.length;
}

/** `POST /api/mail-events`: a local stand-in for SES publishing a bounce or complaint. */
export function mailEventRoutes(manifest: Manifest): Record<string, LocalRoute> {
  return {
    "POST /api/mail-events": {
      auth: false,
      handle: async ({ body }) => {
        let detail: unknown;
        try {
          detail = JSON.parse(body.toString("utf8"));
        } catch {
          return refuse("The body must be an SES event as JSON");
        }
        if (!detailTypeOf(detail)) {
          return refuse("An SES event's eventType must be Bounce, Complaint, Delivery or Send");
        }
        return { body: { delivered: await deliverMailEvent(manifest, detail) } };
      },
    },
  };
}
