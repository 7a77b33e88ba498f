import { AwsError } from '../../aws-error.js';

/**
 * Where an event sits in a stream: events are ordered by timestamp, then by `seq`, a counter that
 * grows with every event the sandbox stores (so events with equal timestamps keep their arrival order).
 */
export interface EventKey {
  timestamp: number;
  seq: number;
}

export function compareKeys(a: EventKey, b: EventKey): number {
  return a.timestamp - b.timestamp || a.seq - b.seq;
}

/** The first index whose event is at or after `key` (events sorted by key). */
export function lowerBound(events: readonly EventKey[], key: EventKey): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(events[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The boundary right after `key`: `seq` counts from 1, so `(t, s + 1)` sits between `(t, s)` and everything later. */
export function after(key: EventKey): EventKey {
  return { timestamp: key.timestamp, seq: key.seq + 1 };
}

export const START: EventKey = { timestamp: 0, seq: 0 };

// AWS's event ids and stream tokens are 56-digit numbers; ours are the key's two parts, zero-padded.
const TIMESTAMP_DIGITS = 20;
const SEQ_DIGITS = 36;

function digits(key: EventKey): string {
  return String(key.timestamp).padStart(TIMESTAMP_DIGITS, '0') + String(key.seq).padStart(SEQ_DIGITS, '0');
}

export function eventId(key: EventKey): string {
  return digits(key);
}

/** PutLogEvents' nextSequenceToken and DescribeLogStreams' uploadSequenceToken (both ignored by AWS since 2023). */
export function sequenceToken(seq: number): string {
  return digits({ timestamp: 0, seq });
}

export function invalidToken(): AwsError {
  return new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
}

export type Direction = 'f' | 'b';

/**
 * GetLogEvents' `f/…` and `b/…` tokens: a boundary between two events. Reading forward from it
 * returns the events at or after it; reading backward, the events before it.
 */
export function encodeStreamToken(direction: Direction, boundary: EventKey): string {
  return `${direction}/${digits(boundary)}`;
}

export function decodeStreamToken(token: string): { direction: Direction; boundary: EventKey } {
  const match = new RegExp(`^([fb])/(\\d{${TIMESTAMP_DIGITS}})(\\d{${SEQ_DIGITS}})$`).exec(token);
  const timestamp = Number(match?.[2]);
  const seq = Number(match?.[3]);
  if (!match || !Number.isSafeInteger(timestamp) || !Number.isSafeInteger(seq)) throw invalidToken();
  return { direction: match[1] as Direction, boundary: { timestamp, seq } };
}

export type PageKey = (string | number)[];

/** An opaque nextToken for listings (DescribeLogGroups/Streams, FilterLogEvents): the sort key of the last item returned. */
export function encodePageToken(key: PageKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodePageToken(token: string): PageKey {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidToken();
  }
  if (!Array.isArray(key) || !key.length || !key.every((part) => typeof part === 'string' || typeof part === 'number')) throw invalidToken();
  return key;
}

export function comparePageKeys(a: PageKey, b: PageKey): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * One page of a listing sorted by `keyOf` (`descending` when sorted the other way): the items after
 * the token's key, and a token for the next page when more remain.
 */
export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => PageKey,
  options: { token: string | undefined; limit: number; descending?: boolean },
): { page: T[]; nextToken?: string } {
  let start = 0;
  if (options.token !== undefined) {
    const last = decodePageToken(options.token);
    const sign = options.descending ? -1 : 1;
    start = sorted.findIndex((item) => sign * comparePageKeys(keyOf(item), last) > 0);
    if (start < 0) start = sorted.length;
  }
  const page = sorted.slice(start, start + options.limit);
  const more = start + page.length < sorted.length;
  return more ? { page, nextToken: encodePageToken(keyOf(page[page.length - 1]!)) } : { page };
}
