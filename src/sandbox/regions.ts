import { partition } from '@aws-sdk/core/client';

/**
 * The regions a request may name: those the AWS SDK's own partition data lists (the same table the
 * SDK resolves endpoints with), in the shape `xx-name-N`. A region becomes a directory name and a
 * DynamoDB store, so it is checked before anything is touched: `..` or 400 invented regions must
 * never open files or stores. The partitions' catch-all regexes are not enough for that: they match
 * unboundedly many strings.
 */
const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

const known = new Set<string>();

export function isKnownRegion(region: string): boolean {
  if (known.has(region)) return true;
  if (!REGION_SHAPE.test(region) || !('description' in partition(region))) return false;
  known.add(region); // only listed regions are remembered: the set stays as small as the list
  return true;
}
