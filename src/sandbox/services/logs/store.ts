import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../common/atomic-file.js';
import { AwsError } from '../../aws-error.js';
import { MAX_LOG_GROUPS_AND_STREAMS } from '../../limits.js';
import { JsonState } from '../../persist.js';
import type { LogEventInput } from '../../world.js';
import { lowerBound, sequenceToken, type EventKey } from './tokens.js';

export interface StoredEvent extends EventKey {
  message: string;
  ingestionTime: number;
}

export interface StoredStream {
  name: string;
  creationTime: number;
  /**
   * Sorted by key (timestamp, then seq). Held in memory, saved in the stream's own append-only file,
   * never in the index: a non-enumerable property, which JSON.stringify leaves out.
   */
  events: StoredEvent[];
  lastIngestionTime?: number;
  uploadSequenceToken?: string;
}

export interface StoredGroup {
  region: string;
  name: string;
  creationTime: number;
  logGroupClass: string;
  retentionInDays?: number;
  tags: Record<string, string>;
  /** UTF-8 bytes of every message ever stored (AWS reports compressed bytes, updated lazily). */
  storedBytes: number;
  streams: StoredStream[];
}

interface Snapshot {
  /** The last `seq` handed out; grows across restarts so event ids stay unique. */
  lastSeq: number;
  groups: StoredGroup[];
}

/** A group and a by-name index of its streams. */
export interface GroupEntry {
  group: StoredGroup;
  streams: Map<string, StoredStream>;
}

const DAY_MS = 86_400_000;

/**
 * The sandbox keeps at most this many bytes of log messages (AWS keeps everything, and bills it):
 * past it, the oldest events of the whole store go first, down to three quarters of the bound.
 */
export const MAX_STORED_LOG_BYTES = 64 * 1024 * 1024;

/** One event as a line of its stream's file: `[timestamp, seq, ingestionTime, message]`. */
type EventLine = [number, number, number, string];

/**
 * Every region's log groups, streams and events, under `<dataDir>/logs/`:
 * - `index.json`, the groups and streams without their events (JsonState: atomic writes, saved before
 *   the request that changed it is answered when `commit` is given), so its size grows with the number
 *   of streams, not with what they hold; appends do not rewrite it (see `catchUp`);
 * - `streams/<hash>.jsonl`, one append-only file per stream, one event per line, appended as events
 *   arrive: storing events costs what is appended, never a rewrite of the history. A stream's file
 *   is rewritten only when most of its lines are events the store dropped (MAX_STORED_LOG_BYTES).
 * The index holds plain arrays (names such as `__proto__` or `constructor` are valid log group
 * names, so they must never become object keys); lookups go through in-memory Maps rebuilt at load.
 */
export class LogStore {
  private readonly state: JsonState<Snapshot>;
  private readonly index = new Map<string, GroupEntry>();
  private readonly streamsDir: string;
  /** Lines in each stream's file, to know when dropped events make it worth rewriting. */
  private readonly fileLines = new WeakMap<StoredStream, number>();
  /** UTF-8 bytes of the messages held now (unlike storedBytes, it shrinks when old events are dropped). */
  private heldBytes = 0;
  private readonly maxBytes: number;

  /**
   * `commit`: how the index's writes run; the sandbox passes its state database's afterCommit (saved
   * before the answer), and a store used on its own writes at once.
   */
  constructor(
    dir: string,
    { maxBytes = MAX_STORED_LOG_BYTES, commit = (write: () => void) => write() }: { maxBytes?: number; commit?: (write: () => void) => void } = {},
  ) {
    this.maxBytes = maxBytes;
    this.streamsDir = join(dir, 'streams');
    this.state = new JsonState<Snapshot>(join(dir, 'index.json'), () => ({ lastSeq: 0, groups: [] }), commit);
    const savedSeq = this.state.data.lastSeq;
    for (const group of this.state.data.groups) {
      this.index.set(indexKey(group.region, group.name), entryFor(group));
      for (const stream of group.streams) this.catchUp(group, stream, this.load(group, stream), savedSeq);
    }
  }

  /**
   * Appending events does not save the index (that was an atomic, fsync'ed rewrite of it per
   * PutLogEvents and per Lambda invocation): what an append changes in it (the last seq, the group's
   * storedBytes, the stream's last ingestion time and token) is read back here from the lines the
   * stream's file gained since the index was last saved (those whose seq is past the index's).
   */
  private catchUp(group: StoredGroup, stream: StoredStream, events: StoredEvent[], savedSeq: number): void {
    const appended = events.filter((event) => event.seq > savedSeq);
    if (!appended.length) return;
    let lastSeq = 0;
    for (const event of appended) {
      group.storedBytes += Buffer.byteLength(event.message);
      lastSeq = Math.max(lastSeq, event.seq);
      stream.lastIngestionTime = Math.max(stream.lastIngestionTime ?? 0, event.ingestionTime);
    }
    // An append's token is the last seq it handed out: the stream's highest.
    stream.uploadSequenceToken = sequenceToken(lastSeq);
    this.state.data.lastSeq = Math.max(this.state.data.lastSeq, lastSeq);
  }

  /** Reads a stream's events from its file; a line cut short by a crash is skipped. */
  private load(group: StoredGroup, stream: StoredStream): StoredEvent[] {
    const file = this.fileOf(group, stream);
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
    const events: StoredEvent[] = [];
    for (const line of lines) {
      if (!line) continue;
      try {
        const [timestamp, seq, ingestionTime, message] = JSON.parse(line) as EventLine;
        events.push({ timestamp, seq, ingestionTime, message });
        this.heldBytes += Buffer.byteLength(message);
      } catch {
        // the unfinished last line of an interrupted append
      }
    }
    events.sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq);
    setEvents(stream, events);
    this.fileLines.set(stream, events.length);
    return events;
  }

  private fileOf(group: StoredGroup, stream: StoredStream): string {
    const id = createHash('sha256').update(`${group.region}\n${group.name}\n${stream.name}`).digest('hex').slice(0, 40);
    return join(this.streamsDir, `${id}.jsonl`);
  }

  group(region: string, name: string): GroupEntry | undefined {
    return this.index.get(indexKey(region, name));
  }

  groupsIn(region: string): GroupEntry[] {
    return [...this.index.values()].filter((entry) => entry.group.region === region);
  }

  createGroup(region: string, name: string, now: number, options: { tags?: Record<string, string>; logGroupClass?: string } = {}): GroupEntry {
    this.assertRoom();
    const group: StoredGroup = {
      region,
      name,
      creationTime: now,
      logGroupClass: options.logGroupClass ?? 'STANDARD',
      tags: Object.fromEntries(Object.entries(options.tags ?? {})),
      storedBytes: 0,
      streams: [],
    };
    this.state.data.groups.push(group);
    const entry = entryFor(group);
    this.index.set(indexKey(region, name), entry);
    this.changed();
    return entry;
  }

  deleteGroup(entry: GroupEntry): void {
    const groups = this.state.data.groups;
    groups.splice(groups.indexOf(entry.group), 1);
    for (const stream of entry.group.streams) this.release(entry.group, stream);
    this.index.delete(indexKey(entry.group.region, entry.group.name));
    this.changed();
  }

  createStream(entry: GroupEntry, name: string, now: number): StoredStream {
    this.assertRoom();
    const stream = { name, creationTime: now } as StoredStream;
    setEvents(stream, []);
    this.fileLines.set(stream, 0);
    entry.group.streams.push(stream);
    entry.streams.set(name, stream);
    this.changed();
    return stream;
  }

  deleteStream(entry: GroupEntry, stream: StoredStream): void {
    const streams = entry.group.streams;
    streams.splice(streams.indexOf(stream), 1);
    entry.streams.delete(stream.name);
    this.release(entry.group, stream);
    this.changed();
  }

  /** Stores events, keeping the stream sorted; an event older than the stream's newest is inserted in place. */
  append(entry: GroupEntry, stream: StoredStream, events: readonly LogEventInput[], now: number): void {
    if (!events.length) return;
    const data = this.state.data;
    const lines: string[] = [];
    for (const input of events) {
      const event: StoredEvent = { timestamp: input.timestamp, seq: ++data.lastSeq, message: input.message, ingestionTime: now };
      lines.push(JSON.stringify([event.timestamp, event.seq, event.ingestionTime, event.message] satisfies EventLine));
      const last = stream.events[stream.events.length - 1];
      if (!last || last.timestamp <= event.timestamp) stream.events.push(event);
      else stream.events.splice(lowerBound(stream.events, event), 0, event);
      const bytes = Buffer.byteLength(input.message);
      entry.group.storedBytes += bytes;
      this.heldBytes += bytes;
    }
    mkdirSync(this.streamsDir, { recursive: true });
    appendFileSync(this.fileOf(entry.group, stream), lines.join('\n') + '\n');
    this.fileLines.set(stream, (this.fileLines.get(stream) ?? 0) + lines.length);
    if (this.heldBytes > this.maxBytes) this.dropOldest();
    stream.lastIngestionTime = now;
    stream.uploadSequenceToken = sequenceToken(data.lastSeq);
  }

  /** Groups and streams are bounded too: the index holds them all and is rewritten whole. */
  private assertRoom(): void {
    const count = this.state.data.groups.reduce((n, g) => n + 1 + g.streams.length, 0);
    if (count >= MAX_LOG_GROUPS_AND_STREAMS) throw new AwsError('LimitExceededException', `Resource limit exceeded: the sandbox keeps at most ${MAX_LOG_GROUPS_AND_STREAMS} log groups and streams.`);
  }

  private release(group: StoredGroup, stream: StoredStream): void {
    for (const event of stream.events) this.heldBytes -= Buffer.byteLength(event.message);
    rmSync(this.fileOf(group, stream), { force: true });
  }

  /** Drops the oldest events of the whole store until it holds three quarters of its bound. */
  private dropOldest(): void {
    const streams = this.state.data.groups.flatMap((group) => group.streams.filter((s) => s.events.length).map((stream) => ({ group, stream })));
    const first = ({ stream }: { stream: StoredStream }) => stream.events[0]!.timestamp;
    const touched = new Set<(typeof streams)[number]>();
    while (this.heldBytes > (this.maxBytes * 3) / 4 && streams.length) {
      streams.sort((a, b) => first(a) - first(b));
      const [oldest, next] = streams;
      const events = oldest!.stream.events;
      // Drop from the oldest stream in one splice, up to where the next stream's events begin.
      let k = 0;
      while (k < events.length && this.heldBytes > (this.maxBytes * 3) / 4 && (!next || events[k]!.timestamp <= first(next))) {
        this.heldBytes -= Buffer.byteLength(events[k]!.message);
        k++;
      }
      events.splice(0, k);
      touched.add(oldest!);
      if (!events.length) streams.shift();
    }
    for (const { group, stream } of touched) this.compact(group, stream);
    // A compacted file no longer holds the dropped lines `catchUp` would count: the index keeps their bytes.
    this.changed();
  }

  /** Rewrites a stream's file once most of its lines are dropped events: amortised, each line is rewritten at most a few times. */
  private compact(group: StoredGroup, stream: StoredStream): void {
    if ((this.fileLines.get(stream) ?? 0) <= 2 * stream.events.length + 1000) return;
    const text = stream.events.map((e) => JSON.stringify([e.timestamp, e.seq, e.ingestionTime, e.message] satisfies EventLine) + '\n').join('');
    writeFileAtomic(this.fileOf(group, stream), text);
    this.fileLines.set(stream, stream.events.length);
  }

  /** Writes events as the Lambda service does: the group and stream appear on first use. */
  write(region: string, groupName: string, streamName: string, events: readonly LogEventInput[], now: number): void {
    const entry = this.group(region, groupName) ?? this.createGroup(region, groupName, now);
    const stream = entry.streams.get(streamName) ?? this.createStream(entry, streamName, now);
    this.append(entry, stream, events, now);
  }

  /** Mutations made by callers on a group (retention, tags) go through here to be saved. */
  changed(): void {
    this.state.changed();
  }

  flush(): void {
    this.state.flush();
  }
}

/** The oldest timestamp the group's retention keeps at `now` (events before it have expired). */
export function retentionCutoff(group: StoredGroup, now: number): number {
  return group.retentionInDays === undefined ? 0 : now - group.retentionInDays * DAY_MS;
}

function setEvents(stream: StoredStream, events: StoredEvent[]): void {
  Object.defineProperty(stream, 'events', { value: events, writable: true, enumerable: false, configurable: true });
}

function entryFor(group: StoredGroup): GroupEntry {
  return { group, streams: new Map(group.streams.map((s) => [s.name, s])) };
}

function indexKey(region: string, name: string): string {
  return `${region}\n${name}`;
}
