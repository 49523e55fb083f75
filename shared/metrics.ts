import { logContext, writeLine } from "./logger.ts";

/** The namespace of Mutua's operational metrics (stream failures stored, schedule progress). */
export const OPERATIONS_NAMESPACE = "Mutua/Operations";

/**
 * Emits metric points as one Embedded Metric Format log line: CloudWatch turns the line into
 * metric points, with no SDK call and no CloudWatch permission. Every dimension named is one
 * dimension set; the line also carries the invocation's log fields, for finding it again.
 */
export function emitMetrics(
  namespace: string,
  dimensions: Readonly<Record<string, string>>,
  values: Readonly<Record<string, number>>,
  extra: Readonly<Record<string, unknown>> = {},
): void {
  writeLine("INFO", {
    ...logContext(),
    ...extra,
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: Object.keys(values).map((name) => ({ Name: name, Unit: "Count" })),
        },
      ],
    },
    ...dimensions,
    ...values,
  });
}
