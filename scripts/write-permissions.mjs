// Regenerates what derives from src/aws/permissions.ts: the README's permission table (between its
// `permissions` markers) and docs/upload-lab-policy.json. test/aws/permissions.test.ts fails until
// they match the list. Run: npm run build && node scripts/write-permissions.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { learnerPolicy, permissionsMarkdown } from '../dist/src/aws/permissions.js';

const BEGIN = '<!-- permissions:begin (generated from src/aws/permissions.ts by scripts/write-permissions.mjs) -->';
const END = '<!-- permissions:end -->';
const readme = readFileSync('README.md', 'utf8');
const from = readme.indexOf(BEGIN);
const to = readme.indexOf(END);
if (from < 0 || to < from) throw new Error(`README.md has no ${BEGIN} ... ${END} section`);
writeFileSync('README.md', `${readme.slice(0, from + BEGIN.length)}\n${permissionsMarkdown()}\n${readme.slice(to)}`);
writeFileSync('docs/upload-lab-policy.json', `${JSON.stringify(learnerPolicy(), null, 2)}\n`);
