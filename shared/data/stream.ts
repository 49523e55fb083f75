import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";

export type Image = Record<string, unknown>;

/** The old and new item of a stream record as plain objects. */
export function imagesOf(record: DynamoDBRecord): {
  oldImage: Image | undefined;
  newImage: Image | undefined;
} {
  const convert = (image: unknown) =>
    image ? (unmarshall(image as Record<string, AttributeValue>) as Image) : undefined;
  return { oldImage: convert(record.dynamodb?.OldImage), newImage: convert(record.dynamodb?.NewImage) };
}
