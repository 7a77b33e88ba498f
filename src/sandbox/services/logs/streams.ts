import { AwsError } from '../../aws-error.js';
import {
  authorizeCall,
  groupResource,
  readGroupName,
  readGroupReference,
  readStreamName,
  requireGroup,
  requireStream,
  streamArn,
  type LogsOperation,
} from './operation.js';
import type { StoredGroup, StoredStream } from './store.js';
import { comparePageKeys, paginate, type PageKey } from './tokens.js';

const ORDERS = ['LogStreamName', 'LastEventTime'];

/**
 * As AWS answers it: `storedBytes` is always 0 for streams (AWS stopped reporting it in 2019), and the
 * event fields appear once the stream has events. AWS updates `lastEventTimestamp` lazily (within
 * an hour); the sandbox updates it at once.
 */
function describeStream(group: StoredGroup, stream: StoredStream): object {
  const first = stream.events[0];
  const last = stream.events[stream.events.length - 1];
  return {
    logStreamName: stream.name,
    creationTime: stream.creationTime,
    ...(first && last ? { firstEventTimestamp: first.timestamp, lastEventTimestamp: last.timestamp } : {}),
    ...(stream.lastIngestionTime !== undefined ? { lastIngestionTime: stream.lastIngestionTime } : {}),
    ...(stream.uploadSequenceToken !== undefined ? { uploadSequenceToken: stream.uploadSequenceToken } : {}),
    arn: streamArn(group.region, group.name, stream.name),
    storedBytes: 0,
  };
}

export const streamOperations: Record<string, LogsOperation> = {
  CreateLogStream(call) {
    const group = readGroupName(call.params);
    const name = readStreamName(call.params);
    call.params.done();
    authorizeCall(call, groupResource(call.req.region, group));
    const entry = requireGroup(call, group);
    if (entry.streams.has(name)) throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    call.store.createStream(entry, name, call.now);
    return {};
  },

  DeleteLogStream(call) {
    const group = readGroupName(call.params);
    const name = readStreamName(call.params);
    call.params.done();
    authorizeCall(call, groupResource(call.req.region, group));
    const entry = requireGroup(call, group);
    call.store.deleteStream(entry, requireStream(entry, name));
    return {};
  },

  DescribeLogStreams(call) {
    const p = call.params;
    const group = readGroupReference(p);
    const prefix = p.string('logStreamNamePrefix', { min: 1, max: 512, pattern: '[^:*]*' });
    const orderBy = p.string('orderBy') ?? 'LogStreamName';
    if (!ORDERS.includes(orderBy)) p.violate('orderBy', orderBy, `Member must satisfy enum value set: [${ORDERS.join(', ')}]`);
    const descending = p.boolean('descending') ?? false;
    const limit = p.integer('limit', { min: 1, max: 50 }) ?? 50;
    const token = p.string('nextToken', { min: 1 });
    p.done();
    if (orderBy === 'LastEventTime' && prefix !== undefined) {
      throw new AwsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    authorizeCall(call, groupResource(call.req.region, group));
    const entry = requireGroup(call, group);
    const keyOf = (s: StoredStream): PageKey =>
      orderBy === 'LastEventTime' ? [s.events[s.events.length - 1]?.timestamp ?? 0, s.name] : [s.name];
    const sign = descending ? -1 : 1;
    const streams = [...entry.streams.values()]
      .filter((s) => prefix === undefined || s.name.startsWith(prefix))
      .sort((a, b) => sign * comparePageKeys(keyOf(a), keyOf(b)));
    const { page, nextToken } = paginate(streams, keyOf, { token, limit, descending });
    return { logStreams: page.map((s) => describeStream(entry.group, s)), ...(nextToken ? { nextToken } : {}) };
  },
};
