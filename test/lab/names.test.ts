import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultBucketName, defaultRoleName } from '../../src/lab/names.js';

describe('default names', () => {
  it('gives each function and region its own role, within IAM 64-character limit', () => {
    assert.equal(defaultRoleName('upload-lab-metadata', 'us-east-1'), 'upload-lab-metadata-us-east-1-role');
    assert.notEqual(defaultRoleName('upload-lab-metadata', 'eu-west-1'), defaultRoleName('upload-lab-metadata', 'us-east-1'));
    const longest = defaultRoleName('f'.repeat(64), 'ap-southeast-2');
    assert.equal(longest.length, 64);
    assert.match(longest, /^f+-role$/);
  });

  it('names the bucket after the account and region, so it is globally unique and the same on every rerun', () => {
    assert.equal(defaultBucketName('123456789012', 'eu-west-1'), 'upload-lab-123456789012-eu-west-1');
  });
});
