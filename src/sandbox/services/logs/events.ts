import { AwsError } from '../../aws-error.js';
import type { LogEventInput } from '../../world.js';
import { parseFilterPattern } from './filter-pattern.js';
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
import { retentionCutoff, type StoredEvent, type StoredGroup, type StoredStream } from './store.js';
import {
  after,
  compareKeys,
  decodePageToken,
  decodeStreamToken,
  encodePageToken,
  encodeStreamToken,
  eventId,
  invalidToken,
  lowerBound,
  sequenceToken,
  START,
  type Direction,
  type EventKey,
} from './tokens.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** PutLogEvents' batch limit and GetLogEvents/FilterLogEvents' response limit; each event counts 26 bytes over its message. */
const MAX_BYTES = 1_048_576;
const EVENT_OVERHEAD_BYTES = 26;

function eventSize(message: string): number {
  return Buffer.byteLength(message) + EVENT_OVERHEAD_BYTES;
}

/** Rules AWS applies to a whole batch before looking at the stream. */
function checkBatch(events: readonly LogEventInput[]): void {
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.timestamp < events[i - 1]!.timestamp) {
      throw new AwsError('InvalidParameterException', 'Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  if (events.length && events[events.length - 1]!.timestamp - events[0]!.timestamp > DAY_MS) {
    throw new AwsError('InvalidParameterException', 'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const bytes = events.reduce((sum, e) => sum + eventSize(e.message), 0);
  if (bytes > MAX_BYTES) throw new AwsError('InvalidParameterException', `Upload too large: ${bytes} bytes exceeds limit of ${MAX_BYTES}`);
}

/**
 * Splits a chronological batch as AWS does: events older than 14 days or than the group's retention
 * (a prefix), and events more than 2 hours in the future (a suffix), are rejected inside a 200 answer;
 * the rest are stored. End indexes are exclusive, the start index inclusive.
 */
function triage(events: readonly LogEventInput[], group: StoredGroup, now: number): { accepted: LogEventInput[]; rejected?: Record<string, number> } {
  const tooOldBefore = now - 14 * DAY_MS;
  const expiredBefore = retentionCutoff(group, now);
  let tooOldEnd = 0;
  while (tooOldEnd < events.length && events[tooOldEnd]!.timestamp < tooOldBefore) tooOldEnd++;
  let start = tooOldEnd;
  while (start < events.length && events[start]!.timestamp < expiredBefore) start++;
  let end = events.length;
  while (end > start && events[end - 1]!.timestamp > now + 2 * HOUR_MS) end--;
  const rejected = {
    ...(end < events.length ? { tooNewLogEventStartIndex: end } : {}),
    ...(tooOldEnd > 0 ? { tooOldLogEventEndIndex: tooOldEnd } : {}),
    ...(start > tooOldEnd ? { expiredLogEventEndIndex: start } : {}),
  };
  return { accepted: events.slice(start, end), ...(Object.keys(rejected).length ? { rejected } : {}) };
}

/** How many of `available` events, in reading order, one answer holds: at most `limit`, and 1 MB (but at least one). */
function answerCount(available: number, limit: number, messageAt: (k: number) => string): number {
  const most = Math.min(available, limit);
  let bytes = 0;
  for (let k = 0; k < most; k++) {
    bytes += eventSize(messageAt(k));
    if (bytes > MAX_BYTES && k > 0) return k;
  }
  return most;
}

/** The first index of `events` whose timestamp is at or after `timestamp`. */
function firstAt(events: readonly StoredEvent[], timestamp: number): number {
  return lowerBound(events, { timestamp, seq: 0 });
}

/** The boundary after the stream's newest event: where reading backward starts by default. */
function endOf(stream: StoredStream): EventKey {
  const last = stream.events[stream.events.length - 1];
  return last ? after(last) : START;
}

/** FilterLogEvents' nextToken holds the boundary to resume from. */
function decodeFilterToken(token: string): EventKey {
  const [timestamp, seq, ...rest] = decodePageToken(token);
  if (typeof timestamp !== 'number' || typeof seq !== 'number' || rest.length) throw invalidToken();
  return { timestamp, seq };
}

export const eventOperations: Record<string, LogsOperation> = {
  PutLogEvents(call) {
    const p = call.params;
    const group = readGroupName(p);
    const name = readStreamName(p);
    const events = p.structureList('logEvents', { required: true, min: 1, max: 10_000 }).map((member) => ({
      timestamp: member.integer('timestamp', { required: true, min: 0 }),
      message: member.string('message', { required: true, min: 1 }),
    }));
    // Accepted and ignored, as AWS has done since January 2023.
    p.string('sequenceToken', { min: 1 });
    p.done();
    checkBatch(events);
    authorizeCall(call, streamArn(call.req.region, group, name));
    const entry = requireGroup(call, group);
    const stream = requireStream(entry, name);
    const { accepted, rejected } = triage(events, entry.group, call.now);
    call.store.append(entry, stream, accepted, call.now);
    return { nextSequenceToken: stream.uploadSequenceToken ?? sequenceToken(0), ...(rejected ? { rejectedLogEventsInfo: rejected } : {}) };
  },

  /**
   * Reads one stream from a boundary: forward (`startFromHead`, or an `f/` token) returns the events
   * at or after it, backward (the default: the newest events, or a `b/` token) the events before it;
   * either way in ascending order. At the end of the stream the token passed in comes back unchanged.
   */
  GetLogEvents(call) {
    const p = call.params;
    const group = readGroupReference(p);
    const name = readStreamName(p);
    const startTime = p.integer('startTime', { min: 0 });
    const endTime = p.integer('endTime', { min: 0 });
    const token = p.string('nextToken', { min: 1 });
    const limit = p.integer('limit', { min: 1, max: 10_000 }) ?? 10_000;
    const startFromHead = p.boolean('startFromHead') ?? false;
    p.boolean('unmask');
    p.done();
    authorizeCall(call, streamArn(call.req.region, group, name));
    const entry = requireGroup(call, group);
    const stream = requireStream(entry, name);
    const from: { direction: Direction; boundary: EventKey } =
      token !== undefined ? decodeStreamToken(token) : startFromHead ? { direction: 'f', boundary: START } : { direction: 'b', boundary: endOf(stream) };

    const events = stream.events;
    // The window this call may see: unexpired, and startTime inclusive to endTime exclusive.
    const lo = firstAt(events, Math.max(startTime ?? 0, retentionCutoff(entry.group, call.now)));
    const hi = Math.max(lo, endTime === undefined ? events.length : firstAt(events, endTime));
    const at = lowerBound(events, from.boundary);
    let first: number;
    let last: number;
    if (from.direction === 'f') {
      first = Math.min(Math.max(lo, at), hi);
      last = first + answerCount(hi - first, limit, (k) => events[first + k]!.message);
    } else {
      last = Math.max(Math.min(hi, at), lo);
      first = last - answerCount(last - lo, limit, (k) => events[last - 1 - k]!.message);
    }
    const page = events.slice(first, last);
    const forward = page.length ? after(page[page.length - 1]!) : from.boundary;
    const backward = page.length ? page[0]! : from.boundary;
    return {
      events: page.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
      nextForwardToken: encodeStreamToken('f', forward),
      nextBackwardToken: encodeStreamToken('b', backward),
    };
  },

  /** Searches a group's streams; events come interleaved in timestamp order, startTime and endTime both inclusive. */
  FilterLogEvents(call) {
    const p = call.params;
    const group = readGroupReference(p);
    const names = p.stringList('logStreamNames', { min: 1, max: 100 });
    const prefix = p.string('logStreamNamePrefix', { min: 1, max: 512, pattern: '[^:*]*' });
    const startTime = p.integer('startTime', { min: 0 });
    const endTime = p.integer('endTime', { min: 0 });
    const pattern = p.string('filterPattern', { max: 1024 }) ?? '';
    const token = p.string('nextToken', { min: 1 });
    const limit = p.integer('limit', { min: 1, max: 10_000 }) ?? 10_000;
    p.boolean('interleaved');
    p.boolean('unmask');
    p.done();
    if (names !== undefined && prefix !== undefined) {
      throw new AwsError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
    }
    const matches = parseFilterPattern(pattern);
    const from = token !== undefined ? decodeFilterToken(token) : START;
    authorizeCall(call, groupResource(call.req.region, group));
    const entry = requireGroup(call, group);

    const streams = names
      ? names.flatMap((n) => entry.streams.get(n) ?? [])
      : [...entry.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));
    const since = Math.max(startTime ?? 0, retentionCutoff(entry.group, call.now));
    const found: { stream: string; event: StoredEvent }[] = [];
    for (const stream of streams) {
      const events = stream.events;
      const hi = endTime === undefined ? events.length : firstAt(events, endTime + 1);
      for (let i = Math.max(firstAt(events, since), lowerBound(events, from)); i < hi; i++) {
        if (matches(events[i]!.message)) found.push({ stream: stream.name, event: events[i]! });
      }
    }
    found.sort((a, b) => compareKeys(a.event, b.event));
    const page = found.slice(0, answerCount(found.length, limit, (k) => found[k]!.event.message));
    const resume = page.length < found.length ? after(page[page.length - 1]!.event) : undefined;
    return {
      events: page.map(({ stream, event }) => ({
        logStreamName: stream,
        timestamp: event.timestamp,
        message: event.message,
        ingestionTime: event.ingestionTime,
        eventId: eventId(event),
      })),
      // AWS stopped filling this in in 2020: it is always an empty list.
      searchedLogStreams: [],
      ...(resume ? { nextToken: encodePageToken([resume.timestamp, resume.seq]) } : {}),
    };
  },
};
