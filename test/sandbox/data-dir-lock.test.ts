import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataDirLockedError, lockFile, readLock } from '../../src/sandbox/persist.js';
import { processStartTime } from '../../src/common/process-identity.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { cliEnv, runCli, startCli } from '../helpers/cli.js';

const serving = (stdout: string) => /serving .* at http:\/\/127\.0\.0\.1:\d+/.test(stdout);

/** A data dir as a killed sandbox leaves it: its state database (with its LOCK file) and a `sandbox.lock` naming a dead process. */
async function staleDataDir(env: Record<string, string>): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'upload-lab-lock-'));
  const killed = startCli(['sandbox', '--port', '0', '--data-dir', dataDir], { env });
  await killed.until(serving);
  killed.signal('SIGKILL');
  await killed.done;
  assert.ok(JSON.parse(readFileSync(lockFile(dataDir), 'utf8')).pid, 'the killed sandbox left its sandbox.lock');
  return dataDir;
}

describe('the data dir lock', () => {
  it('lets exactly one of many sandboxes started together in one process serve a data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'upload-lab-lock-'));
    const starts = await Promise.allSettled(Array.from({ length: 8 }, () => startSandbox({ dataDir, port: 0 })));
    const served = starts.filter((s) => s.status === 'fulfilled');
    try {
      assert.equal(served.length, 1);
      for (const refused of starts.filter((s) => s.status === 'rejected')) assert.ok(refused.reason instanceof DataDirLockedError);
    } finally {
      await Promise.all(served.map((s) => s.value.close()));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('lets exactly one of many `upload-lab sandbox` processes started together on a stale lock serve', async () => {
    const env = cliEnv();
    const dataDir = await staleDataDir(env);
    const contenders = Array.from({ length: 6 }, () => startCli(['sandbox', '--port', '0', '--data-dir', dataDir], { env }));
    try {
      // Each one either serves or exits (`until` also returns when the process ends).
      const outcomes = await Promise.all(contenders.map((c) => c.until(serving).then(() => (serving(c.stdout()) ? 'serving' : 'exited'))));
      assert.equal(outcomes.filter((o) => o === 'serving').length, 1, 'exactly one serves');
      const winner = contenders[outcomes.indexOf('serving')]!;
      for (const [i, contender] of contenders.entries()) {
        if (contender === winner) continue;
        const result = await contender.done;
        assert.equal(result.code, 2, `contender ${i} exits with a usage error`);
        assert.match(result.stderr, /The sandbox data dir .* is in use by/);
      }
      assert.equal(readLock(dataDir)?.endpoint, /at (http:\/\/127\.0\.0\.1:\d+)/.exec(winner.stdout())![1]);
    } finally {
      for (const contender of contenders) contender.signal('SIGTERM');
      await Promise.all(contenders.map((c) => c.done));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('takes over a stale lock whose pid now belongs to another process, and never names that process as the holder', async () => {
    const env = cliEnv();
    const dataDir = await staleDataDir(env);
    // Another process now has the pid (a plain node process standing for whatever reused it).
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const stale = JSON.parse(readFileSync(lockFile(dataDir), 'utf8')) as { startTime?: string };
      assert.ok(stale.startTime, 'the lock records its process start time');
      assert.notEqual(processStartTime(other.pid!), undefined);
      writeFileSync(lockFile(dataDir), JSON.stringify({ ...stale, pid: other.pid }));
      assert.equal(readLock(dataDir), undefined, 'a live pid with another start time is not the holder');

      const { code, stdout, stderr } = await runCli(['sandbox', '--port', '0', '--data-dir', dataDir], { env, killWhen: serving, signal: 'SIGTERM' });
      assert.equal(code, 0, stderr);
      assert.match(stdout, /Sandbox stopped/);
    } finally {
      other.kill();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
