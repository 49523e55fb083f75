import { manifest as defaultManifest, functionPlans, type Manifest } from "../../infra/manifest.ts";
import type { StackShape } from "./model.ts";

/**
 * What the stack bills whatever the traffic, from the manifest as infra/aws builds it: per
 * function (the manifest's and the sign-in's pre-token-generation trigger) two alarms (errors, throttles); the API's two, one per stream router (iterator age), one
 * per failure queue (each router's and the schedules'), two on the stream failure store, one on
 * the table's throttles and the ledger's two. The infra tests hold the template to this count.
 */
/** Functions outside the manifest that serve every sign-in: the pre-token-generation trigger. */
export const SIGN_IN_FUNCTIONS = 1;

export function stackShape(m: Manifest = defaultManifest): StackShape {
  const plans = functionPlans(m);
  const routers = m.routers.length;
  return {
    functions: plans.length,
    httpFunctions: plans.filter((p) => p.trigger === "http").length,
    routers,
    hourlySchedules: m.schedules.filter((s) => s.everyMinutes <= 60).length,
    alarms: 2 * (plans.length + SIGN_IN_FUNCTIONS) + 2 + routers + (routers + 1) + 2 + 1 + 2,
    dashboards: 1,
    // The ledger's violations, stream records failed, stream failures waiting.
    customMetrics: 3,
  };
}
