import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { unzipSync } from 'fflate';
import { buildHandlerZip } from '../../src/deploy/zip.js';

describe('buildHandlerZip', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'upload-lab-zip-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  test('the same code gives byte-identical zips, and CodeSha256 is their base64 SHA-256', async () => {
    const first = await buildHandlerZip();
    const second = await buildHandlerZip();
    assert.ok(first.zip.equals(second.zip), 'two builds differ');
    assert.equal(first.codeSha256, createHash('sha256').update(first.zip).digest('base64'));
    assert.equal(first.codeSha256, second.codeSha256);
    assert.equal(first.handler, 'index.handler');
    assert.equal(first.runtime, 'nodejs22.x');
  });

  test('holds the handler and its local modules as .mjs, importing only the runtime SDK and node built-ins', async () => {
    const entries = unzipSync((await buildHandlerZip()).zip);
    assert.deepEqual(Object.keys(entries).sort(), ['decode-key.mjs', 'index.mjs', 'metadata.mjs']);
    const imports = Object.values(entries).flatMap((bytes) =>
      [...Buffer.from(bytes).toString('utf8').matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!),
    );
    assert.ok(imports.includes('@aws-sdk/client-dynamodb'), 'index.mjs should import the DynamoDB client');
    for (const specifier of imports) {
      const local = specifier.startsWith('./') && specifier.slice(2) in entries;
      assert.ok(local || specifier.startsWith('node:') || specifier === '@aws-sdk/client-dynamodb', `unexpected import ${specifier}`);
    }
  });

  test('loads from an unpacked copy where only the runtime SDK is installed, and exports handler', async () => {
    const dir = join(scratch, 'function');
    mkdirSync(join(dir, 'node_modules', '@aws-sdk'), { recursive: true });
    for (const [name, bytes] of Object.entries(unzipSync((await buildHandlerZip()).zip))) writeFileSync(join(dir, name), bytes);
    // Stands for the SDK the nodejs22.x runtime provides; nothing else is resolvable from here.
    const sdk = dirname(createRequire(import.meta.url).resolve('@aws-sdk/client-dynamodb/package.json'));
    symlinkSync(sdk, join(dir, 'node_modules', '@aws-sdk', 'client-dynamodb'), 'dir');
    const loaded = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
    assert.equal(typeof loaded.handler, 'function');
  });
});
