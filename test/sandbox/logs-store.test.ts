import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MAX_LOG_GROUPS_AND_STREAMS } from '../../src/sandbox/limits.js';
import { LogStore } from '../../src/sandbox/services/logs/store.js';

describe('the Logs store on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'upload-lab-logstore-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const streamFiles = () => readdirSync(join(dir, 'streams')).map((f) => join(dir, 'streams', f));
  const lineCount = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;

  it("appends events to the stream's own file and keeps them out of the index", () => {
    const store = new LogStore(dir);
    for (let i = 0; i < 500; i++) store.write('us-east-1', '/aws/lambda/f', 's', [{ timestamp: 1000 + i, message: `event ${i}` }], 5000);
    store.flush();
    const [file] = streamFiles();
    assert.equal(lineCount(file!), 500);
    const index = readFileSync(join(dir, 'index.json'), 'utf8');
    assert.doesNotMatch(index, /event 1/, 'the index holds no events');
    // Appending more grows the stream file only: the index is not written again.
    for (let i = 500; i < 1000; i++) store.write('us-east-1', '/aws/lambda/f', 's', [{ timestamp: 1000 + i, message: `event ${i}` }], 5000);
    store.flush();
    assert.equal(lineCount(file!), 1000);
    assert.equal(readFileSync(join(dir, 'index.json'), 'utf8'), index, 'the index is as it was');
  });

  it('reads everything back after a restart, in order, skipping a line cut short by a crash', () => {
    const store = new LogStore(dir);
    store.write('us-east-1', 'g', 's', [{ timestamp: 20, message: 'second' }], 100);
    store.write('us-east-1', 'g', 's', [{ timestamp: 10, message: 'first' }], 100);
    store.flush();
    const [file] = streamFiles();
    appendFileSync(file!, '[30,99,100,"cut sho');
    const again = new LogStore(dir);
    assert.deepEqual(again.group('us-east-1', 'g')?.streams.get('s')?.events.map((e) => e.message), ['first', 'second']);
    rmSync(file!);
    assert.deepEqual(new LogStore(dir).group('us-east-1', 'g')?.streams.get('s')?.events, [], 'a missing stream file is an empty stream');
  });

  it('reads what appends changed (seq, tokens, stored bytes, ingestion time) back from the stream files, as appends leave the index alone', () => {
    let saves = 0;
    const store = new LogStore(dir, { commit: (write) => (saves++, write()) });
    store.write('us-east-1', 'g', 'a', [{ timestamp: 1, message: 'one' }], 100);
    store.write('us-east-1', 'g', 'b', [{ timestamp: 2, message: 'two' }], 200);
    const savedWithStreams = saves;
    store.write('us-east-1', 'g', 'a', [{ timestamp: 3, message: 'three' }, { timestamp: 4, message: 'four' }], 300);
    assert.equal(saves, savedWithStreams, 'an append to existing streams does not save the index');
    const before = store.group('us-east-1', 'g')!;
    const again = new LogStore(dir).group('us-east-1', 'g')!;
    assert.equal(again.group.storedBytes, 'onetwothreefour'.length);
    assert.equal(again.group.storedBytes, before.group.storedBytes);
    for (const name of ['a', 'b']) {
      const [was, is] = [before.streams.get(name)!, again.streams.get(name)!];
      assert.deepEqual([is.lastIngestionTime, is.uploadSequenceToken], [was.lastIngestionTime, was.uploadSequenceToken], `stream ${name}`);
    }
    const reopened = new LogStore(dir);
    reopened.write('us-east-1', 'g', 'b', [{ timestamp: 5, message: 'five' }], 400);
    const seqs = [...reopened.group('us-east-1', 'g')!.streams.values()].flatMap((s) => s.events.map((e) => e.seq));
    assert.equal(new Set(seqs).size, seqs.length, 'seqs handed out after a restart stay unique');
  });

  it('drops the oldest events past its bound and compacts the files it drops from', () => {
    const store = new LogStore(dir, { maxBytes: 100_000 });
    const message = 'x'.repeat(1000);
    for (let i = 0; i < 2000; i++) store.write('us-east-1', 'g', i < 1000 ? 'old' : 'new', [{ timestamp: i, message }], 5000);
    const held = [...store.group('us-east-1', 'g')!.streams.values()].flatMap((s) => s.events);
    assert.ok(held.length <= 100 && held.length >= 70, `holds ${held.length} events of 1000 bytes under a 100 kB bound`);
    assert.equal(Math.min(...held.map((e) => e.timestamp)) > 1800, true, 'the oldest went first');
    assert.equal(store.group('us-east-1', 'g')!.streams.get('old')!.events.length, 0);
    for (const file of streamFiles()) assert.ok(lineCount(file) < 1200, 'dropped events do not pile up in the files');
  });

  it('refuses a group or stream past its bound, as LimitExceededException', () => {
    const store = new LogStore(dir);
    const group = store.createGroup('us-east-1', 'g', 0);
    for (let i = 1; i < MAX_LOG_GROUPS_AND_STREAMS; i++) store.createStream(group, `s${i}`, 0);
    assert.throws(() => store.createStream(group, 'one-more', 0), { code: 'LimitExceededException' });
    assert.throws(() => store.createGroup('us-east-1', 'another', 0), { code: 'LimitExceededException' });
    store.deleteStream(group, group.streams.get('s1')!);
    store.createStream(group, 'one-more', 0);
  });
});
