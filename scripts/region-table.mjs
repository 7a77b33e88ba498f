// Writes dist/src/aws-rules/regions.json: the regions of each AWS partition, taken from the AWS SDK's
// own partition data (the table every SDK v3 client resolves endpoints with). The sandbox checks the
// region of every request against it; loading the SDK module that holds the table costs a
// just-started sandbox ~40 ms and ~16 MB, a 2 KB JSON costs nothing. Generated at each build, so a region
// AWS opens still arrives with an SDK update, never with a hand edit.
//
// The SDK exports a lookup (`partition(region)`), not the table: the table is read from the SDK's ES
// module that defines it, then checked against the lookup, so a change of the SDK's layout fails the
// build loudly instead of writing a wrong table.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const client = require.resolve('@aws-sdk/core/client');
const source = join(dirname(client), '..', '..', '..', 'dist-es', 'submodules', 'client', 'util-endpoints', 'lib', 'aws', 'partitions.js');
const PREFIX = 'export const partitionsInfo = ';

function fail(why) {
  throw new Error(`scripts/region-table.mjs: ${why} (${source}). The AWS SDK's layout changed: update this script.`);
}

let text;
try {
  text = readFileSync(source, 'utf8').trim();
} catch {
  fail('the SDK file that defines the partition table is missing');
}
if (!text.startsWith(PREFIX) || !text.endsWith(';')) fail(`the file no longer starts with "${PREFIX}"`);
const { partitions } = JSON.parse(text.slice(PREFIX.length, -1));

const table = partitions.map((p) => ({ name: p.outputs.name, regions: Object.keys(p.regions).sort() }));
const { partition } = require('@aws-sdk/core/client');
for (const { name, regions } of table) {
  if (regions.length === 0) fail(`partition ${name} lists no regions`);
  for (const region of regions) {
    const answer = partition(region);
    if (answer.name !== name || answer.description === undefined) fail(`the SDK's lookup disagrees with the table read for ${region}`);
  }
}

const out = join('dist', 'src', 'aws-rules', 'regions.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(table)}\n`);
