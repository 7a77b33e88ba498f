import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { acquireCommandLock } from '../../src/lab/command-lock.js';

const lockIn = () => join(mkdtempSync(join(tmpdir(), 'upload-lab-lock-')), 'locks', 'lab.lock');
const never = () => assert.fail('should not wait');

describe('the command lock', () => {
  test('a second command waits for the first, saying whose it is, and goes once it is released', async () => {
    const file = lockIn();
    const first = await acquireCommandLock(file, { onWait: never });
    let told: (pid: number) => void = () => {};
    const waitingFor = new Promise<number>((resolve) => (told = resolve));
    const second = acquireCommandLock(file, { pollMs: 5, onWait: (pid) => told(pid) });
    assert.equal(await waitingFor, process.pid);
    first.release();
    (await second).release();
    assert.equal(existsSync(file), false);
  });

  test('a lock left by a process that is gone is taken over at once', async () => {
    const file = lockIn();
    await acquireCommandLock(file, { onWait: never }).then((lock) => lock.release());
    writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 12345 }));
    (await acquireCommandLock(file, { onWait: never })).release();
  });

  test('a lock whose pid now belongs to another process (pid reuse: another start time) is taken over', { skip: process.platform !== 'linux' && 'start times are read from /proc' }, async () => {
    const file = lockIn();
    await acquireCommandLock(file, { onWait: never }).then((lock) => lock.release());
    writeFileSync(file, JSON.stringify({ pid: process.pid, startTime: '1' }));
    (await acquireCommandLock(file, { onWait: never })).release();
  });
});
