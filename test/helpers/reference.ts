import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One response recorded against real AWS (see test/fixtures/aws-reference/README.md). */
export interface ReferenceCase {
  operation: string;
  // The recorded JSON, as free-form as AWS answers are.
  response: any;
  note?: string;
}

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

const cache = new Map<string, Record<string, ReferenceCase>>();

/** The recorded case `key` of `<service>.json` in test/fixtures/aws-reference (service: s3, s3-event, lambda, dynamodb, iam, logs, sts). */
export function referenceCase(service: string, key: string): ReferenceCase {
  if (!cache.has(service)) {
    const file = join(repoRoot(), 'test', 'fixtures', 'aws-reference', `${service}.json`);
    cache.set(service, JSON.parse(readFileSync(file, 'utf8')) as Record<string, ReferenceCase>);
  }
  const found = cache.get(service)![key];
  if (!found) throw new Error(`no reference case ${key} in ${service}.json`);
  return found;
}

/**
 * Does `actual` match a recorded text? Placeholders (`<function-name:1>`, `<region>`) stand for any
 * value; the recorder's account `111111111111` and partition placeholder stand for ours.
 */
export function matchesRecorded(recorded: string, actual: string): boolean {
  const normalised = recorded.replaceAll('111111111111', '000000000000').replaceAll('arn:<partition>:', 'arn:aws:');
  const pattern = normalised
    .split(/<[^<>]+>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.+?');
  return new RegExp(`^${pattern}$`, 's').test(actual);
}

export function assertMatchesRecorded(recorded: string, actual: string | undefined, what = 'value'): void {
  assert.ok(actual !== undefined && matchesRecorded(recorded, actual), `${what}: expected to match recorded ${JSON.stringify(recorded)}, got ${JSON.stringify(actual)}`);
}

/**
 * Holds an SDK error against a recorded error response: HTTP status, error code, exact message
 * (modulo placeholders).
 */
export function assertErrorMatchesReference(error: unknown, reference: ReferenceCase): void {
  const recorded = reference.response;
  const e = error as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  assert.equal(e.$metadata?.httpStatusCode, recorded.ResponseMetadata.HTTPStatusCode, `HTTP status of ${reference.operation}`);
  // Query-protocol clients (IAM, STS) name the error after its modelled shape (NoSuchEntityException)
  // and keep the wire code in `Code`; the other protocols' clients name it after the code itself.
  assert.equal(e.Code ?? e.name, recorded.Error.Code, `error code of ${reference.operation}`);
  assertMatchesRecorded(recorded.Error.Message, e.message, `message of ${reference.operation}`);
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * A request with a SigV4-shaped Authorization header but no real signature (the sandbox reads only the
 * scope): for what the SDK hides, such as the exact key casing of an error body, and for hostile input.
 */
export async function rawRequest(
  endpoint: string,
  options: { service: string; region?: string; method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; accessKeyId?: string },
): Promise<RawAnswer> {
  const scope = `${options.accessKeyId ?? 'AKIATESTLEARNER00000'}/20260101/${options.region ?? 'us-east-1'}/${options.service}/aws4_request`;
  const answer = await fetch(endpoint + (options.path ?? '/'), {
    method: options.method ?? 'POST',
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host;x-amz-date, Signature=0000`,
      'x-amz-date': '20260101T000000Z',
      ...options.headers,
    },
    body: options.body as BodyInit | undefined,
  });
  return { status: answer.status, headers: answer.headers, text: await answer.text() };
}

/**
 * The keys of an answer, to compare which keys AWS recorded with which the sandbox sends: without the
 * recorder's `ResponseMetadata` and the SDK's `$metadata`.
 */
export function answerKeys(answer: object): string[] {
  return Object.keys(answer)
    .filter((k) => k !== 'ResponseMetadata' && k !== '$metadata')
    .sort();
}

/** The error a call fails with (failing the test if it succeeds), for comparing with a recorded error. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}
