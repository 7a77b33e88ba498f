import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { sameLabOptions, validateOptions } from '../../src/commands/options.js';

describe('the options printed for the next command', () => {
  it('reach the same lab when pasted into a shell, a data dir with a space and a quote included', () => {
    const printed = sameLabOptions(validateOptions({ local: true, dataDir: "/tmp/my labs/learner's", table: 'my_table' }));
    assert.equal(printed, `--local --data-dir '/tmp/my labs/learner'\\''s' --table my_table`);
    // What a shell makes of it: the same words the learner's options were.
    const words = execFileSync('sh', ['-c', `printf '%s\\n' ${printed}`], { encoding: 'utf8' }).trimEnd().split('\n');
    assert.deepEqual(words, ['--local', '--data-dir', "/tmp/my labs/learner's", '--table', 'my_table']);
  });
});
