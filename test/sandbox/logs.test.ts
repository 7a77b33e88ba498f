import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsForResourceCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  UntagLogGroupCommand,
  UntagResourceCommand,
  type FilterLogEventsCommandInput,
  type GetLogEventsCommandInput,
  type OutputLogEvent,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { defaultSandboxOptions } from '../../src/sandbox/options.js';
import { Router } from '../../src/sandbox/router.js';
import { createLogsService } from '../../src/sandbox/services/logs.js';
import { RoleSessions } from '../../src/sandbox/sessions.js';
import type { World } from '../../src/sandbox/world.js';
import type { PolicyDocument } from '../../src/policy/types.js';
import { answerKeys, assertErrorMatchesReference, assertMatchesRecorded, rawRequest, referenceCase, rejection } from '../helpers/reference.js';
import { LAB_ROLE, labRoleByArn, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

const DAY = 86_400_000;

/** The keys of a recorded (or SDK) answer, without the transport's metadata. */

let counter = 0;
const unique = (base: string) => `${base}-${process.pid}-${++counter}`;

describe('CloudWatch Logs sandbox', () => {
  let t: TestSandbox;
  let logs: CloudWatchLogsClient;
  before(async () => {
    t = await startTestSandbox();
    logs = t.clients.logs;
  });
  after(() => t.stop());

  async function groupWithStream(events: { timestamp: number; message: string }[] = []): Promise<{ group: string; stream: string }> {
    const group = unique('/aws/lambda/fn');
    const stream = unique('2026/01/01/[$LATEST]abc');
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    if (events.length) await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events }));
    return { group, stream };
  }

  describe('log groups', () => {
    it('describes groups by prefix with the keys AWS answers', async () => {
      const prefix = unique('test-prefix');
      for (const i of [0, 1, 2]) await logs.send(new CreateLogGroupCommand({ logGroupName: `${prefix}-group-${i}` }));
      const answer = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix }));
      const recorded = referenceCase('logs', 'logs.describe_log_groups.with_prefix').response;
      assert.deepEqual(answerKeys(answer), answerKeys(recorded));
      assert.equal(answer.logGroups?.length, 3);
      for (const [i, group] of answer.logGroups!.entries()) {
        assert.deepEqual(answerKeys(group), answerKeys(recorded.logGroups[i]));
        assert.equal(group.logGroupName, `${prefix}-group-${i}`);
        assertMatchesRecorded(recorded.logGroups[i].arn.replace('<region>', 'us-east-1'), group.arn, 'arn');
        assert.equal(group.arn, `arn:aws:logs:us-east-1:000000000000:log-group:${prefix}-group-${i}:*`);
        assert.equal(group.logGroupArn, `arn:aws:logs:us-east-1:000000000000:log-group:${prefix}-group-${i}`);
        assert.equal(group.logGroupClass, 'STANDARD');
        assert.equal(group.storedBytes, 0);
        assert.ok(Math.abs(group.creationTime! - Date.now()) < DAY);
      }
    });

    it('answers a duplicate group as AWS does', async () => {
      const name = unique('dup');
      await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
      const error = await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: name })));
      assertErrorMatchesReference(error, referenceCase('logs', 'logs.create_log_group.already_exists'));
    });

    it('rejects names over 512 characters and names with invalid characters', async () => {
      const error = await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: 'a'.repeat(513) })));
      assertErrorMatchesReference(error, referenceCase('logs', 'logs.create_log_group.invalid_name_length'));
      await assert.rejects(logs.send(new CreateLogGroupCommand({ logGroupName: 'has space' })), {
        name: 'InvalidParameterException',
        message:
          "1 validation error detected: Value 'has space' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
      });
    });

    it('refuses prefix and pattern together, and matches the pattern as a case-sensitive substring', async () => {
      const name = unique('Pattern-Group');
      await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
      const error = await rejection(logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, logGroupNamePattern: name })));
      assertErrorMatchesReference(error, referenceCase('logs', 'logs.describe_log_groups.prefix_and_pattern_error'));
      const found = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: name.slice(3) }));
      assert.deepEqual(found.logGroups?.map((g) => g.logGroupName), [name]);
      const lower = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: name.slice(3).toLowerCase() }));
      assert.deepEqual(lower.logGroups, []);
    });

    it('pages through groups with limit and nextToken until exhausted', async () => {
      const prefix = unique('paged');
      const names = Array.from({ length: 7 }, (_, i) => `${prefix}-${i}`);
      for (const name of names) await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
      const seen: string[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, limit: 3, nextToken }));
        seen.push(...page.logGroups!.map((g) => g.logGroupName!));
        nextToken = page.nextToken;
        pages++;
      } while (nextToken);
      assert.deepEqual(seen, names);
      assert.equal(pages, 3);
      await assert.rejects(logs.send(new DescribeLogGroupsCommand({ limit: 51 })), {
        name: 'InvalidParameterException',
        message: "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
      });
    });

    it('deletes groups, and keeps groups per region', async () => {
      const name = unique('regional');
      await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
      const elsewhere = await t.clientsIn('eu-west-1').logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
      assert.deepEqual(elsewhere.logGroups, []);
      await logs.send(new DeleteLogGroupCommand({ logGroupName: name }));
      const after = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
      assert.deepEqual(after.logGroups, []);
      const error = await rejection(logs.send(new DeleteLogGroupCommand({ logGroupName: name })));
      assertErrorMatchesReference(error, referenceCase('logs', 'logs.get_log_events.log_group_not_found'));
    });
  });

  describe('retention', () => {
    it('sets and removes a retention policy', async () => {
      const name = unique('retention');
      await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: 7 }));
      let group = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups![0]!;
      assert.equal(group.retentionInDays, 7);
      await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: name }));
      group = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups![0]!;
      assert.equal('retentionInDays' in group, false);
    });

    it('accepts only the retention periods AWS offers', async () => {
      const name = unique('retention-bad');
      await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
      await assert.rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: 2 })), {
        name: 'InvalidParameterException',
        message:
          "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]",
      });
      await assert.rejects(logs.send(new PutRetentionPolicyCommand({ logGroupName: unique('missing'), retentionInDays: 1 })), {
        name: 'ResourceNotFoundException',
      });
    });

    it('no longer returns events older than the retention, and rejects them as expired', async () => {
      const now = Date.now();
      const { group, stream } = await groupWithStream([{ timestamp: now - 3 * DAY, message: 'three days old' }]);
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: now, message: 'fresh' }] }));
      await logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: 1 }));
      const got = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }));
      assert.deepEqual(got.events?.map((e) => e.message), ['fresh']);
      const filtered = await logs.send(new FilterLogEventsCommand({ logGroupName: group }));
      assert.deepEqual(filtered.events?.map((e) => e.message), ['fresh']);
      const put = await logs.send(
        new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: now - 2 * DAY, message: 'expired' }] }),
      );
      assert.deepEqual(put.rejectedLogEventsInfo, { expiredLogEventEndIndex: 1 });
    });
  });

  describe('log streams', () => {
    it('describes a new stream with the keys AWS answers', async () => {
      const { group, stream } = await groupWithStream();
      const answer = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
      const recorded = referenceCase('logs', 'logs.describe_log_streams.response').response;
      assert.deepEqual(answerKeys(answer), answerKeys(recorded));
      assert.deepEqual(answerKeys(answer.logStreams![0]!), answerKeys(recorded.logStreams[0]));
      assert.equal(answer.logStreams![0]!.arn, `arn:aws:logs:us-east-1:000000000000:log-group:${group}:log-stream:${stream}`);
      assert.equal(answer.logStreams![0]!.storedBytes, 0);
    });

    it('answers duplicate and orphan streams as AWS does', async () => {
      const { group, stream } = await groupWithStream();
      const error = await rejection(logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream })));
      assertErrorMatchesReference(error, referenceCase('logs', 'logs.create_log_stream.already_exists'));
      const orphan = await rejection(logs.send(new CreateLogStreamCommand({ logGroupName: unique('nope'), logStreamName: 's' })));
      assertErrorMatchesReference(orphan, referenceCase('logs', 'logs.get_log_events.log_group_not_found'));
    });

    it('reports event times once events arrive, and orders by LastEventTime', async () => {
      const now = Date.now();
      const group = unique('ordered');
      await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      for (const [name, age] of [['a', 3000], ['b', 1000], ['c', 2000]] as const) {
        await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: name }));
        await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: name, logEvents: [{ timestamp: now - age, message: name }] }));
      }
      const byTime = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', descending: true }));
      assert.deepEqual(byTime.logStreams?.map((s) => s.logStreamName), ['b', 'c', 'a']);
      const b = byTime.logStreams![0]!;
      assert.equal(b.firstEventTimestamp, now - 1000);
      assert.equal(b.lastEventTimestamp, now - 1000);
      assert.equal(typeof b.lastIngestionTime, 'number');
      assert.match(b.uploadSequenceToken!, /^\d{56}$/);
      const byName = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, descending: true, limit: 2 }));
      assert.deepEqual(byName.logStreams?.map((s) => s.logStreamName), ['c', 'b']);
      const rest = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, descending: true, limit: 2, nextToken: byName.nextToken }));
      assert.deepEqual(rest.logStreams?.map((s) => s.logStreamName), ['a']);
      assert.equal(rest.nextToken, undefined);
      await assert.rejects(logs.send(new DescribeLogStreamsCommand({ logGroupName: group, orderBy: 'LastEventTime', logStreamNamePrefix: 'a' })), {
        name: 'InvalidParameterException',
        message: 'Cannot order by LastEventTime with a logStreamNamePrefix.',
      });
    });

    it('finds streams by prefix, by group identifier (name or ARN), and refuses both name and identifier', async () => {
      const { group, stream } = await groupWithStream();
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'other' }));
      const byPrefix = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: stream.slice(0, 10) }));
      assert.deepEqual(byPrefix.logStreams?.map((s) => s.logStreamName), [stream]);
      const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${group}`;
      for (const logGroupIdentifier of [group, arn]) {
        const found = await logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier }));
        assert.deepEqual(found.logStreams?.map((s) => s.logStreamName).sort(), ['other', stream].sort());
      }
      await assert.rejects(logs.send(new DescribeLogStreamsCommand({ logGroupName: group, logGroupIdentifier: arn })), {
        name: 'ValidationException',
        message: 'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
      });
    });

    // AWS refuses the group's `arn` (the one ending `:*`) as an identifier with its pattern message; the
    // identifier takes `logGroupArn` (moto's AWS-verified test_describe_log_streams_with_arn; the pattern is
    // DescribeLogStreams' in https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html).
    it('refuses a logGroupIdentifier ending in :* with the pattern message, whatever the call', async () => {
      const { group, stream } = await groupWithStream();
      const described = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }))).logGroups![0]!;
      assert.equal(described.arn, `${described.logGroupArn}:*`);
      const expected = {
        name: 'InvalidParameterException',
        message: `1 validation error detected: Value '${described.arn}' at 'logGroupIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*`,
      };
      await assert.rejects(logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: described.arn })), expected);
      await assert.rejects(logs.send(new GetLogEventsCommand({ logGroupIdentifier: described.arn, logStreamName: stream })), expected);
      await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupIdentifier: described.arn })), expected);
      const found = await logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: described.logGroupArn }));
      assert.deepEqual(found.logStreams?.map((s) => s.logStreamName), [stream]);
    });

    it('deletes streams', async () => {
      const { group, stream } = await groupWithStream();
      await logs.send(new DeleteLogStreamCommand({ logGroupName: group, logStreamName: stream }));
      const answer = await logs.send(new DescribeLogStreamsCommand({ logGroupName: group }));
      assert.deepEqual(answer.logStreams, []);
      const error = await rejection(logs.send(new DeleteLogStreamCommand({ logGroupName: group, logStreamName: stream })));
      assertErrorMatchesReference(error, referenceCase('logs', 'logs.get_log_events.log_stream_not_found'));
    });
  });

  describe('PutLogEvents', () => {
    it('stores events and answers a sequence token', async () => {
      const { group, stream } = await groupWithStream();
      const put = await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: Date.now(), message: 'hello 🙀 日本語' }] }));
      assert.match(put.nextSequenceToken!, /^\d{56}$/);
      assert.equal(put.rejectedLogEventsInfo, undefined);
      const got = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream }));
      assert.deepEqual(got.events?.map((e) => e.message), ['hello 🙀 日本語']);
      const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }));
      assert.equal(described.logGroups![0]!.storedBytes, Buffer.byteLength('hello 🙀 日本語'));
    });

    it('refuses events out of chronological order', async () => {
      const { group, stream } = await groupWithStream();
      const now = Date.now();
      const error = await rejection(
        logs.send(
          new PutLogEventsCommand({
            logGroupName: group,
            logStreamName: stream,
            logEvents: [
              { timestamp: now, message: 'Message 0' },
              { timestamp: now - 2 * DAY, message: 'Message 1' },
            ],
          }),
        ),
      );
      assertErrorMatchesReference(error, referenceCase('logs', 'logs.put_log_events.wrong_order'));
    });

    it('rejects too old and too new events inside a 200 answer and stores the rest', async () => {
      const { group, stream } = await groupWithStream();
      const now = Date.now();
      const old = await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: now - 30 * DAY, message: 'Old message' }] }));
      const recorded = referenceCase('logs', 'logs.put_log_events.too_old').response;
      assert.deepEqual(answerKeys(old), answerKeys(recorded));
      assert.deepEqual(answerKeys(old.rejectedLogEventsInfo!), answerKeys(recorded.rejectedLogEventsInfo));
      assert.equal(old.rejectedLogEventsInfo!.tooOldLogEventEndIndex, 1);
      const mixed = await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          logEvents: [
            { timestamp: now, message: 'kept' },
            { timestamp: now + 3 * 3_600_000, message: 'Future message' },
          ],
        }),
      );
      assert.deepEqual(mixed.rejectedLogEventsInfo, { tooNewLogEventStartIndex: 1 });
      const got = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream }));
      assert.deepEqual(got.events?.map((e) => e.message), ['kept']);
    });

    it('answers a missing group or stream as AWS does', async () => {
      const { group } = await groupWithStream();
      const logEvents = [{ timestamp: Date.now(), message: 'test' }];
      const noStream = await rejection(logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: 'invalid-stream', logEvents })));
      assertErrorMatchesReference(noStream, referenceCase('logs', 'logs.put_log_events.log_stream_not_found'));
      const noGroup = await rejection(logs.send(new PutLogEventsCommand({ logGroupName: unique('nope'), logStreamName: 's', logEvents })));
      assertErrorMatchesReference(noGroup, referenceCase('logs', 'logs.get_log_events.log_group_not_found'));
    });

    it('reports missing required parameters in AWS validation wording', async () => {
      await assert.rejects(logs.send(new PutLogEventsCommand({ logGroupName: 'g' } as never)), {
        name: 'InvalidParameterException',
        message:
          "2 validation errors detected: Value null at 'logStreamName' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'logEvents' failed to satisfy constraint: Member must not be null",
      });
      await assert.rejects(logs.send(new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: [{ timestamp: 1 } as never] })), {
        name: 'InvalidParameterException',
        message: "1 validation error detected: Value null at 'logEvents.1.member.message' failed to satisfy constraint: Member must not be null",
      });
    });

    it('refuses a batch spanning more than 24 hours', async () => {
      const { group, stream } = await groupWithStream();
      const now = Date.now();
      const logEvents = [
        { timestamp: now - 2 * DAY, message: 'a' },
        { timestamp: now, message: 'b' },
      ];
      await assert.rejects(logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents })), {
        name: 'InvalidParameterException',
        message: 'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
      });
    });
  });

  describe('GetLogEvents', () => {
    const base = Date.now() - 60_000;
    const twenty = Array.from({ length: 20 }, (_, i) => ({ timestamp: base + i * 100, message: `message ${i}` }));
    const all = twenty.map((e) => e.message);

    async function pageAll(input: GetLogEventsCommandInput, tokenOf: 'nextForwardToken' | 'nextBackwardToken'): Promise<{ pages: OutputLogEvent[][]; lastToken: string | undefined }> {
      const pages: OutputLogEvent[][] = [];
      let token = input.nextToken;
      for (;;) {
        const answer = await logs.send(new GetLogEventsCommand({ ...input, nextToken: token }));
        const next = answer[tokenOf];
        if (next === token) {
          assert.deepEqual(answer.events, [], 'the last page repeats the token and holds no events');
          return { pages, lastToken: next };
        }
        pages.push(answer.events!);
        token = next;
        assert.ok(pages.length < 50, 'paging must end');
      }
    }

    it('pages forward from the head until the same token comes back', async () => {
      const { group, stream } = await groupWithStream(twenty);
      const { pages } = await pageAll({ logGroupName: group, logStreamName: stream, limit: 7, startFromHead: true }, 'nextForwardToken');
      assert.deepEqual(pages.map((p) => p.length), [7, 7, 6]);
      assert.deepEqual(pages.flat().map((e) => e.message), all);
      for (const e of pages.flat()) assert.deepEqual(answerKeys(e), answerKeys(referenceCase('logs', 'logs.get_log_events.lambda_async_error_events').response[0]));
    });

    it('starts at the newest events by default and pages backward', async () => {
      const { group, stream } = await groupWithStream(twenty);
      const newest = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, limit: 5 }));
      assert.deepEqual(newest.events?.map((e) => e.message), all.slice(15));
      assert.match(newest.nextForwardToken!, /^f\/\d{56}$/);
      assert.match(newest.nextBackwardToken!, /^b\/\d{56}$/);
      const { pages } = await pageAll({ logGroupName: group, logStreamName: stream, limit: 5, nextToken: newest.nextBackwardToken }, 'nextBackwardToken');
      assert.deepEqual(pages.reverse().flat().map((e) => e.message), all.slice(0, 15));
      // Following the forward token sees events that arrive later.
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: base + 5000, message: 'later' }] }));
      const later = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, nextToken: newest.nextForwardToken }));
      assert.deepEqual(later.events?.map((e) => e.message), ['later']);
    });

    it('keeps to startTime (inclusive) and endTime (exclusive)', async () => {
      const { group, stream } = await groupWithStream(twenty);
      const got = await logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startTime: base + 300, endTime: base + 700, startFromHead: true }));
      assert.deepEqual(got.events?.map((e) => e.message), ['message 3', 'message 4', 'message 5', 'message 6']);
    });

    it('reads by group ARN', async () => {
      const { group, stream } = await groupWithStream(twenty.slice(0, 1));
      const got = await logs.send(new GetLogEventsCommand({ logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${group}`, logStreamName: stream }));
      assert.deepEqual(got.events?.map((e) => e.message), ['message 0']);
    });

    it('answers errors as AWS does', async () => {
      const { group, stream } = await groupWithStream();
      const tooHigh = await rejection(logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, limit: 10001 })));
      assertErrorMatchesReference(tooHigh, referenceCase('logs', 'logs.get_log_events.limit_too_high'));
      const badToken = await rejection(logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, nextToken: 'invalid-token' })));
      assertErrorMatchesReference(badToken, referenceCase('logs', 'logs.get_log_events.invalid_token'));
      const noGroup = await rejection(logs.send(new GetLogEventsCommand({ logGroupName: unique('log-group'), logStreamName: 'log-stream' })));
      assertErrorMatchesReference(noGroup, referenceCase('logs', 'logs.get_log_events.log_group_not_found'));
      const noStream = await rejection(logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'log-stream-x' })));
      assertErrorMatchesReference(noStream, referenceCase('logs', 'logs.get_log_events.log_stream_not_found'));
    });
  });

  describe('FilterLogEvents', () => {
    const base = Date.now() - 60_000;

    async function filterAll(input: FilterLogEventsCommandInput): Promise<{ events: FilteredLogEvent[]; pages: number }> {
      const events: FilteredLogEvent[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const answer = await logs.send(new FilterLogEventsCommand({ ...input, nextToken }));
        assert.deepEqual(answer.searchedLogStreams, []);
        events.push(...answer.events!);
        nextToken = answer.nextToken;
        pages++;
        assert.ok(pages < 100, 'paging must end');
      } while (nextToken);
      return { events, pages };
    }

    it('interleaves streams in time order with the keys AWS answers, and pages until exhausted', async () => {
      const group = unique('/aws/lambda/filter');
      await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      for (const stream of ['s1', 's2']) {
        await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
        const offset = stream === 's1' ? 0 : 50;
        const logEvents = Array.from({ length: 13 }, (_, i) => ({ timestamp: base + offset + i * 100, message: `${stream} line ${i}` }));
        await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents }));
      }
      const { events, pages } = await filterAll({ logGroupName: group, limit: 5 });
      assert.equal(events.length, 26);
      assert.equal(pages, 6);
      assert.deepEqual(events.slice(0, 4).map((e) => e.message), ['s1 line 0', 's2 line 0', 's1 line 1', 's2 line 1']);
      const timestamps = events.map((e) => e.timestamp!);
      assert.deepEqual(timestamps, [...timestamps].sort((a, b) => a - b));
      assert.equal(new Set(events.map((e) => e.eventId)).size, 26);
      const recorded = referenceCase('logs', 'logs.filter_log_events.lambda_function_events').response[0];
      for (const e of events) assert.deepEqual(answerKeys(e), answerKeys(recorded));
      const one = await filterAll({ logGroupName: group, logStreamNames: ['s2'] });
      assert.ok(one.events.every((e) => e.logStreamName === 's2'));
      assert.equal(one.events.length, 13);
      const prefixed = await filterAll({ logGroupName: group, logStreamNamePrefix: 's1' });
      assert.equal(prefixed.events.length, 13);
    });

    it('matches quoted phrases and keeps to a time range (both ends inclusive)', async () => {
      const { group } = await groupWithStream([
        { timestamp: base, message: 'START RequestId: 1 Version: $LATEST\n' },
        { timestamp: base + 1, message: 'Saved metadata for lab-bucket/incoming/notes.txt\n' },
        { timestamp: base + 2, message: 'Saved  metadata twice spaced\n' },
        { timestamp: base + 3, message: 'Saved metadata for lab-bucket/incoming/other.txt\n' },
      ]);
      const phrase = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '"Saved metadata for lab-bucket/incoming/notes.txt"' }));
      assert.deepEqual(phrase.events?.map((e) => e.timestamp), [base + 1]);
      const both = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '"Saved metadata"' }));
      assert.deepEqual(both.events?.map((e) => e.timestamp), [base + 1, base + 3]);
      const ranged = await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '"Saved metadata"', startTime: base + 2, endTime: base + 3 }));
      assert.deepEqual(ranged.events?.map((e) => e.timestamp), [base + 3]);
      const window = await logs.send(new FilterLogEventsCommand({ logGroupName: group, startTime: base + 1, endTime: base + 2 }));
      assert.deepEqual(window.events?.map((e) => e.timestamp), [base + 1, base + 2]);
    });

    it('answers errors as AWS does, and refuses JSON patterns clearly', async () => {
      const { group } = await groupWithStream();
      const tooHigh = await rejection(logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 10001 })));
      assertErrorMatchesReference(tooHigh, referenceCase('logs', 'logs.filter_log_events.limit_too_high'));
      const badToken = await rejection(logs.send(new FilterLogEventsCommand({ logGroupName: group, limit: 20, nextToken: 'invalid-token' })));
      assertErrorMatchesReference(badToken, referenceCase('logs', 'logs.filter_log_events.invalid_token'));
      await assert.rejects(logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '{$.message = "hello"}' })), {
        name: 'InvalidParameterException',
        message: /JSON .* patterns are not supported/,
      });
      const noGroup = await rejection(logs.send(new FilterLogEventsCommand({ logGroupName: unique('nope') })));
      assertErrorMatchesReference(noGroup, referenceCase('logs', 'logs.get_log_events.log_group_not_found'));
    });
  });

  describe('tags', () => {
    it('tags a group through both APIs, which see the same tags', async () => {
      const name = unique('tags');
      await logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: { env: 'testing1' } }));
      assert.deepEqual((await logs.send(new ListTagsLogGroupCommand({ logGroupName: name }))).tags, { env: 'testing1' });
      const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${name}`;
      await logs.send(new TagResourceCommand({ resourceArn: arn, tags: { test1: 'val1', test2: 'val2' } }));
      await logs.send(new TagLogGroupCommand({ logGroupName: name, tags: { test3: 'val3' } }));
      const all = { env: 'testing1', test1: 'val1', test2: 'val2', test3: 'val3' };
      assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, all);
      await logs.send(new UntagLogGroupCommand({ logGroupName: name, tags: ['test3'] }));
      await logs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['env', 'test1'] }));
      assert.deepEqual((await logs.send(new ListTagsLogGroupCommand({ logGroupName: name }))).tags, { test2: 'val2' });
      assert.deepEqual((await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, { test2: 'val2' });
    });
  });

  describe('wire', () => {
    const json = { 'content-type': 'application/x-amz-json-1.1' };

    it('answers an unknown operation with UnknownOperationException and a lowercase message key', async () => {
      const answer = await rawRequest(t.endpoint, { service: 'logs', headers: { ...json, 'x-amz-target': 'Logs_20140328.StartTheParty' }, body: '{}' });
      assert.equal(answer.status, 400);
      const body = JSON.parse(answer.text);
      assert.equal(body.__type, 'UnknownOperationException');
      assert.match(body.message, /StartTheParty/);
      assert.equal(answer.headers.get('content-type'), 'application/x-amz-json-1.1');
    });

    it('answers malformed JSON with SerializationException', async () => {
      const answer = await rawRequest(t.endpoint, { service: 'logs', headers: { ...json, 'x-amz-target': 'Logs_20140328.DescribeLogGroups' }, body: '{"limit": ' });
      assert.equal(answer.status, 400);
      assert.equal(JSON.parse(answer.text).__type, 'SerializationException');
      const wrongType = await rawRequest(t.endpoint, { service: 'logs', headers: { ...json, 'x-amz-target': 'Logs_20140328.DescribeLogGroups' }, body: '{"limit": "5"}' });
      assert.equal(wrongType.status, 400);
      assert.equal(JSON.parse(wrongType.text).__type, 'SerializationException');
    });

    it('refuses another content type', async () => {
      const answer = await rawRequest(t.endpoint, {
        service: 'logs',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-amz-target': 'Logs_20140328.DescribeLogGroups' },
        body: '{}',
      });
      assert.equal(answer.status, 400);
      assert.equal(JSON.parse(answer.text).__type, 'UnknownOperationException');
    });

    it('treats a hostile group name like any other name', async () => {
      for (const name of ['__proto__', 'constructor']) {
        await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
        const tags = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
        await logs.send(new TagLogGroupCommand({ logGroupName: name, tags }));
        const found = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
        assert.deepEqual(found.logGroups?.map((g) => g.logGroupName), [name]);
        const listed = await logs.send(new ListTagsLogGroupCommand({ logGroupName: name }));
        assert.deepEqual(Object.entries(listed.tags ?? {}), [['__proto__', 'x']]);
        await logs.send(new DeleteLogGroupCommand({ logGroupName: name }));
      }
    });
  });
});

describe('CloudWatch Logs persistence', () => {
  it('keeps groups, streams and events across a restart', async () => {
    const first = await startTestSandbox();
    const now = Date.now();
    try {
      await first.clients.logs.send(new CreateLogGroupCommand({ logGroupName: 'kept', tags: { a: 'b' } }));
      await first.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: 'kept', retentionInDays: 30 }));
      await first.clients.logs.send(new CreateLogStreamCommand({ logGroupName: 'kept', logStreamName: 's' }));
      await first.clients.logs.send(new PutLogEventsCommand({ logGroupName: 'kept', logStreamName: 's', logEvents: [{ timestamp: now, message: 'survives' }] }));
    } finally {
      await first.stop(true);
    }
    const second = await startTestSandbox({ dataDir: first.dataDir });
    try {
      const logs = second.clients.logs;
      const group = (await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'kept' }))).logGroups![0]!;
      assert.equal(group.retentionInDays, 30);
      assert.deepEqual((await logs.send(new ListTagsLogGroupCommand({ logGroupName: 'kept' }))).tags, { a: 'b' });
      const got = await logs.send(new GetLogEventsCommand({ logGroupName: 'kept', logStreamName: 's' }));
      assert.deepEqual(got.events?.map((e) => [e.timestamp, e.message]), [[now, 'survives']]);
      // Event ids keep growing after a restart: a new event never reuses an old one's id.
      await logs.send(new PutLogEventsCommand({ logGroupName: 'kept', logStreamName: 's', logEvents: [{ timestamp: now, message: 'after restart' }] }));
      const ids = (await logs.send(new FilterLogEventsCommand({ logGroupName: 'kept' }))).events!.map((e) => e.eventId);
      assert.equal(new Set(ids).size, 2);
    } finally {
      await second.stop();
    }
  });
});

/** A world with just the Logs service, for what tests cannot reach through a full sandbox: the Lambda-facing API and role callers. */
function logsOnlyWorld(dataDir: string, rolePolicy: PolicyDocument): World {
  const unused = () => {
    throw new Error('not part of this test world');
  };
  const world: World = {
    options: defaultSandboxOptions(dataDir),
    endpoint: '',
    sessions: new RoleSessions(),
    // The Logs service uses the state database only to save its index before an answer: here, at once.
    state: { afterCommit: (write: () => void) => write() } as unknown as World['state'],
    iam: { roleByArn: labRoleByArn, rolePolicies: () => [rolePolicy] },
    lambda: { functionByArn: unused, invokeAsync: unused },
    logs: { write: unused },
  };
  return world;
}

const lambdaLogsPolicy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['logs:CreateLogGroup'], Resource: 'arn:aws:logs:us-east-1:000000000000:*' },
    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/lab-fn:*' },
  ],
};

describe('CloudWatch Logs for the Lambda runtime (LogsApi.write)', () => {
  it('creates the group and stream on first write, and a burst of 2,000 events reads back through the SDK after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'upload-lab-logs-'));
    try {
      const world = logsOnlyWorld(dataDir, lambdaLogsPolicy);
      const { service, api } = createLogsService(world);
      const start = Date.now() - 10_000;
      api.write('us-east-1', '/aws/lambda/lab-fn', '2026/01/01/[$LATEST]abc', [{ timestamp: start, message: 'START RequestId: r1 Version: $LATEST\n' }]);
      for (let i = 0; i < 2000; i++) {
        api.write('us-east-1', '/aws/lambda/lab-fn', '2026/01/01/[$LATEST]abc', [{ timestamp: start + 1 + i, message: `burst ${i}\n` }]);
      }
      service.flush!();

      const t = await startTestSandbox({ dataDir });
      try {
        const logs = t.clients.logs;
        const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/lab-fn' }));
        assert.deepEqual(streams.logStreams?.map((s) => s.logStreamName), ['2026/01/01/[$LATEST]abc']);
        assert.equal(streams.logStreams![0]!.firstEventTimestamp, start);
        assert.equal(streams.logStreams![0]!.lastEventTimestamp, start + 2000);
        const got = await logs.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/lab-fn', logStreamName: '2026/01/01/[$LATEST]abc', startFromHead: true }));
        assert.equal(got.events?.length, 2001);
        assert.equal(got.events![0]!.message, 'START RequestId: r1 Version: $LATEST\n');
        assert.equal(got.events![2000]!.message, 'burst 1999\n');
        assert.ok(got.events!.every((e) => typeof e.ingestionTime === 'number' && e.ingestionTime >= start));
        const found = await logs.send(new FilterLogEventsCommand({ logGroupName: '/aws/lambda/lab-fn', filterPattern: '"burst 1999"' }));
        assert.deepEqual(found.events?.map((e) => e.message), ['burst 1999\n']);
      } finally {
        await t.stop(true);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("CloudWatch Logs holds a role's calls to its policies", () => {
  let server: Server;
  let dataDir: string;
  let client: CloudWatchLogsClient;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'upload-lab-logs-role-'));
    const world = logsOnlyWorld(dataDir, lambdaLogsPolicy);
    const { service } = createLogsService(world);
    const router = new Router(new Map([['logs', service]]), world, 1024 * 1024, async () => {});
    server = createServer((req, res) => {
      void router.route(req).then((answer) => res.writeHead(answer.status, answer.headers).end(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    router.listening((server.address() as AddressInfo).port);
    const credentials = world.sessions.issue(LAB_ROLE, 'lab-fn');
    client = new CloudWatchLogsClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      credentials,
      maxAttempts: 1,
    });
  });
  after(async () => {
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('allows what the execution policy grants', async () => {
    await client.send(new CreateLogGroupCommand({ logGroupName: '/aws/lambda/lab-fn' }));
    await client.send(new CreateLogStreamCommand({ logGroupName: '/aws/lambda/lab-fn', logStreamName: 's' }));
    const put = await client.send(new PutLogEventsCommand({ logGroupName: '/aws/lambda/lab-fn', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'ok' }] }));
    assert.match(put.nextSequenceToken!, /^\d{56}$/);
  });

  it('denies the rest with AccessDeniedException naming the action and resource', async () => {
    await assert.rejects(client.send(new PutLogEventsCommand({ logGroupName: '/aws/lambda/other-fn', logStreamName: 's', logEvents: [{ timestamp: Date.now(), message: 'no' }] })), {
      name: 'AccessDeniedException',
      message:
        'User: arn:aws:sts::000000000000:assumed-role/lab-role/lab-fn is not authorized to perform: logs:PutLogEvents on resource: ' +
        'arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/other-fn:log-stream:s because no identity-based policy allows the logs:PutLogEvents action',
    });
    await assert.rejects(client.send(new GetLogEventsCommand({ logGroupName: '/aws/lambda/lab-fn', logStreamName: 's' })), { name: 'AccessDeniedException' });
    await assert.rejects(client.send(new DescribeLogGroupsCommand({})), {
      name: 'AccessDeniedException',
      message: /logs:DescribeLogGroups on resource: arn:aws:logs:us-east-1:000000000000:log-group:\*/,
    });
  });
});
