import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type IBucket,
  ObjectOwnership,
} from "aws-cdk-lib/aws-s3";
import { Construct } from "constructs";
import type { City } from "../../shared/config/city.ts";
import type { HouseFunction } from "./house-function.ts";

export interface ExportArchivesProps {
  city: City;
  /** Where the bucket's server access logs go (every download of an archive is a line there). */
  accessLogs: IBucket;
}

/**
 * The bucket export jobs keep their sections and archives in: private (public access blocked,
 * no ACLs), encrypted, HTTPS only, and emptied by a lifecycle rule the day after an archive's link
 * has expired (S3 counts lifecycle in whole days). Archives are downloaded through presigned
 * links, which carry the rights of the function that signed them: only the functions given
 * `grant` may read.
 */
export class ExportArchives extends Construct {
  readonly bucket: Bucket;
  /** Days an object is kept: the link's hours, rounded up to days, and one more. */
  readonly expirationDays: number;

  constructor(scope: Construct, id: string, props: ExportArchivesProps) {
    super(scope, id);
    this.expirationDays = Math.ceil(props.city.retention.exportLinkHours / 24) + 1;
    this.bucket = new Bucket(this, "Bucket", {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: "exports/",
      lifecycleRules: [
        {
          expiration: Duration.days(this.expirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // The lifecycle rule empties it; kept with the stack's other stateful resources.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Gives a function the bucket's name and the object rights it needs: "write" for the schedule
   * that assembles archives, "read" for the route that signs download links, "erase" for the
   * consumer that deletes a closed member's objects (listing the bucket by the member's prefix).
   */
  grant(house: HouseFunction, access: "read" | "write" | "erase"): void {
    house.function.addEnvironment("EXPORT_BUCKET", this.bucket.bucketName);
    const objects = `${this.bucket.bucketArn}/*`;
    const actions = {
      read: ["s3:GetObject"],
      write: ["s3:GetObject", "s3:PutObject"],
      erase: ["s3:DeleteObject"],
    };
    house.function.addToRolePolicy(new PolicyStatement({ actions: actions[access], resources: [objects] }));
    if (access === "erase") {
      house.function.addToRolePolicy(
        new PolicyStatement({ actions: ["s3:ListBucket"], resources: [this.bucket.bucketArn] }),
      );
    }
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(house.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        "Export objects are named by member and job at run time; the statement covers the export bucket's objects only, with GetObject (PutObject for the schedule that writes them, DeleteObject for erasure).",
    });
  }
}
