/**
 * Bounds on what one request may make the sandbox hold or parse. Each is well under the 64 MiB body
 * limit, per protocol, so a large body is refused from its Content-Length before it is read, and a
 * parser never sees more than its service would accept on AWS. Listed in docs/sandbox.md (Limits).
 */
export const MIB = 1024 * 1024;

/** IAM and STS Query forms: IAM's largest document (a managed policy) is 6 KB; 1 MiB leaves room for many. */
export const QUERY_BODY_BYTES = MIB;
/** DynamoDB: BatchWriteItem, its largest request, is limited to 16 MB on AWS. */
export const DYNAMODB_BODY_BYTES = 16 * MIB;
/** CloudWatch Logs: a PutLogEvents batch is at most 1 MiB of events; JSON escaping may double it. */
export const LOGS_BODY_BYTES = 4 * MIB;
/** Lambda calls other than code uploads and invocations (configuration, permissions, tags). */
export const LAMBDA_CONTROL_BODY_BYTES = MIB;
/** Lambda's Invoke payload limits: "6 MB" synchronous, "1 MB" asynchronous (API_Invoke). */
export const LAMBDA_INVOKE_BODY_BYTES = 6 * MIB;
export const LAMBDA_EVENT_PAYLOAD_BYTES = MIB;
/** S3 XML configuration bodies (bucket creation, tagging, notifications). */
export const S3_XML_BODY_BYTES = MIB;
/** DeleteObjects: up to 1000 keys of up to 1024 bytes each. */
export const S3_DELETE_BODY_BYTES = 2 * MIB;

/**
 * Lambda's queue of asynchronous invocations (Invoke `Event`, S3 events), saved until each is over:
 * at most this many payload bytes waiting or running. AWS's queue has no size a user meets; the
 * sandbox's lives in memory and in the state database, so it is bounded: the body limit's worth, room
 * for 64 Event payloads of the largest size (1 MB) or tens of thousands of S3 events (a few KB each).
 */
export const LAMBDA_ASYNC_QUEUE_BYTES = 64 * MIB;
/** Lambda's maximum event age (`MaximumEventAgeInSeconds`, 6 hours at most): an older queued invocation is dropped, not run. */
export const LAMBDA_MAX_EVENT_AGE_MS = 6 * 60 * 60 * 1000;

/** AWS's account quotas, which also bound what the sandbox keeps in memory and in its state database. */
export const MAX_ROLES = 1000;
export const MAX_CUSTOMER_POLICIES = 1500;
export const MAX_BUCKETS = 10_000;
/** Log groups and streams together: not an AWS quota (AWS has none so low), the bound on the Logs index. */
export const MAX_LOG_GROUPS_AND_STREAMS = 10_000;

/**
 * Deepest JSON nesting accepted. DynamoDB allows 32 levels of nested attributes, which its JSON
 * wire format spells in about 70; nothing the sandbox serves needs more. Parsers and the code that
 * walks parsed values must never meet a million nested arrays.
 */
export const MAX_JSON_DEPTH = 128;

/** Whether a JSON text nests deeper than `max`, in one pass over the bytes (strings skipped). */
export function jsonTooDeep(body: Buffer, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c) i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > max) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}
