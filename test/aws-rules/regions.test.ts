import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { partition as sdkPartition } from '@aws-sdk/core/client';
import { isKnownRegion, regionProblem } from '../../src/aws-rules/regions.js';

/** The SDK's lookup; its type leaves out the `description` a listed region carries. */
const partition = (region: string) => sdkPartition(region) as { name: string; description?: string };

// The build writes the region table from the SDK's data (scripts/region-table.mjs); these hold it to
// the SDK's own lookup, which every SDK client resolves endpoints with.
describe('the region table', () => {
  test('knows a region exactly when the SDK lists it, in the partition the SDK names', () => {
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-7', 'cn-north-1', 'us-gov-west-1']) {
      assert.ok(partition(region).description, `the SDK lists ${region}`);
      assert.equal(isKnownRegion(region), true, region);
    }
    // The SDK's catch-all regex would accept these; neither is a listed region.
    for (const region of ['us-middle-9', 'eu-west-99', 'aws-global', '..', 'toString', '']) assert.equal(isKnownRegion(region), false, region);
  });

  test('says why the lab cannot run in a region, naming the partition', () => {
    assert.equal(regionProblem('us-east-1'), undefined);
    assert.equal(regionProblem('cn-north-1'), `it is in the ${partition('cn-north-1').name} partition; upload-lab builds its resources in the standard aws partition`);
    assert.equal(regionProblem('us-middle-9'), "it is not a region upload-lab knows: the AWS SDK's list of regions has no such region");
    assert.equal(regionProblem('useast1'), 'it is not a region name (regions look like us-east-1 or eu-west-1)');
  });
});
