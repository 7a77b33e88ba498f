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
  /** Sorted by key (timestamp, then seq). */
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
 * Every region's log groups, streams and events, saved as one JSON document (`<dataDir>/logs.json`).
 * The document holds plain arrays (names such as `__proto__` or `constructor` are valid log group
 * names, so they must never become object keys); lookups go through in-memory Maps rebuilt at load.
 * Appending an event in timestamp order is O(1); JsonState coalesces the writes of a burst.
 */
export class LogStore {
  private readonly state: JsonState<Snapshot>;
  private readonly index = new Map<string, GroupEntry>();

  constructor(file: string) {
    this.state = new JsonState<Snapshot>(file, () => ({ lastSeq: 0, groups: [] }));
    for (const group of this.state.data.groups) this.index.set(indexKey(group.region, group.name), entryFor(group));
  }

  group(region: string, name: string): GroupEntry | undefined {
    return this.index.get(indexKey(region, name));
  }

  groupsIn(region: string): GroupEntry[] {
    return [...this.index.values()].filter((entry) => entry.group.region === region);
  }

  createGroup(region: string, name: string, now: number, options: { tags?: Record<string, string>; logGroupClass?: string } = {}): GroupEntry {
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
    this.index.delete(indexKey(entry.group.region, entry.group.name));
    this.changed();
  }

  createStream(entry: GroupEntry, name: string, now: number): StoredStream {
    const stream: StoredStream = { name, creationTime: now, events: [] };
    entry.group.streams.push(stream);
    entry.streams.set(name, stream);
    this.changed();
    return stream;
  }

  deleteStream(entry: GroupEntry, stream: StoredStream): void {
    const streams = entry.group.streams;
    streams.splice(streams.indexOf(stream), 1);
    entry.streams.delete(stream.name);
    this.changed();
  }

  /** Stores events, keeping the stream sorted; an event older than the stream's newest is inserted in place. */
  append(entry: GroupEntry, stream: StoredStream, events: readonly LogEventInput[], now: number): void {
    if (!events.length) return;
    const data = this.state.data;
    for (const input of events) {
      const event: StoredEvent = { timestamp: input.timestamp, seq: ++data.lastSeq, message: input.message, ingestionTime: now };
      const last = stream.events[stream.events.length - 1];
      if (!last || last.timestamp <= event.timestamp) stream.events.push(event);
      else stream.events.splice(lowerBound(stream.events, event), 0, event);
      entry.group.storedBytes += Buffer.byteLength(input.message);
    }
    stream.lastIngestionTime = now;
    stream.uploadSequenceToken = sequenceToken(data.lastSeq);
    this.changed();
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

function entryFor(group: StoredGroup): GroupEntry {
  return { group, streams: new Map(group.streams.map((s) => [s.name, s])) };
}

function indexKey(region: string, name: string): string {
  return `${region}\n${name}`;
}
