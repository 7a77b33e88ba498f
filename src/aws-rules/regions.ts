import { readFileSync } from 'node:fs';

/**
 * Which regions exist, from the AWS SDK's own partition data (the table every SDK client resolves
 * endpoints with), so a region AWS opens arrives with an SDK update instead of a hand-kept list. One
 * module for both sides: the sandbox checks the region of each request, the CLI the region it runs in.
 *
 * The partitions' catch-all regexes are not enough: they match unboundedly many strings, and in the
 * sandbox a region becomes a directory name and a DynamoDB store (`..` or 400 invented regions must
 * never open files or stores). Only listed regions count.
 */
const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The partition the lab builds its ARNs in (`arn:aws:...`). */
const LAB_PARTITION = 'aws';

/** Each partition's listed regions, written at build time from the AWS SDK's data by scripts/region-table.mjs. */
type RegionTable = { name: string; regions: string[] }[];

/** Region -> partition name, read on first use (a sandbox at rest reads nothing it was not asked for). */
let partitionOf: Map<string, string> | undefined;
function partitions(): Map<string, string> {
  if (!partitionOf) {
    const table = JSON.parse(readFileSync(new URL('./regions.json', import.meta.url), 'utf8')) as RegionTable;
    partitionOf = new Map(table.flatMap(({ name, regions }) => regions.map((region) => [region, name] as const)));
  }
  return partitionOf;
}

/** A region the SDK's data lists, in any partition. */
export function isKnownRegion(region: string): boolean {
  return REGION_SHAPE.test(region) && partitions().has(region);
}

/**
 * Why the lab cannot run in `region`, or undefined when it can: a listed region of the `aws`
 * partition. China and GovCloud regions exist, but the lab's `arn:aws:` ARNs would be wrong there.
 */
export function regionProblem(region: string): string | undefined {
  if (!REGION_SHAPE.test(region)) return 'it is not a region name (regions look like us-east-1 or eu-west-1)';
  const name = partitions().get(region);
  if (name === undefined) return "it is not a region upload-lab knows: the AWS SDK's list of regions has no such region";
  if (name !== LAB_PARTITION) return `it is in the ${name} partition; upload-lab builds its resources in the standard aws partition`;
  return undefined;
}
