import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { decodeS3Key } from '../../src/handler/decode-key.js';
import { referenceCase } from '../helpers/reference.js';

/** mulberry32: a small seeded PRNG, so every run checks the same keys. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seededRandom(20260101);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const hexByte = (byte: number) => {
  const hex = byte.toString(16).padStart(2, '0');
  return '%' + (random() < 0.5 ? hex.toUpperCase() : hex.toLowerCase());
};
const escaped = (text: string) => [...Buffer.from(text, 'utf8')].map(hexByte).join('');

const NON_ASCII = ['é', '日本', '😀', 'ß', '€', 'Ω', '\u{FEFF}', '\u{10FFFF}', 'ü'];

/** Pieces of a key as it may appear in an event, including malformed ones a hand-written test event can hold. */
const FRAGMENTS: (() => string)[] = [
  () => pick(['photo', 'notes', 'a', 'Z9', 'x.txt', '-', '_', '.', '~', '!', '(', '*', "'", '@', '=', '&', '?', '#', ';', ',', ':']),
  () => ' ',
  () => '+',
  () => '/',
  () => '%',
  () => hexByte(Math.floor(random() * 256)), // any byte: valid ASCII, UTF-8 lead and continuation bytes, invalid ones
  () => pick(['%', '%G1', '%4', '%%', '%zz', '%+1', '%4G', '%-1', '%2']), // invalid escapes stay literal
  () => escaped(pick(NON_ASCII)), // valid multi-byte UTF-8
  () => pick(['%C3', '%E6%97', '%FF', '%C0%80', '%ED%A0%80', '%F4%90%80%80', '%F0%9F%98', '%E0%80%AF', '%80', '%EF%BB%BF']), // invalid or cut short
  () => pick(NON_ASCII), // raw, as a hand-written event may have it
  () => '\u0000\u001f\u007f',
];

function fragmentKey(): string {
  const count = 1 + Math.floor(random() * 12);
  return Array.from({ length: count }, () => pick(FRAGMENTS)()).join('');
}

/** A real object name: ASCII, spaces, `+`, `%`, non-ASCII; only whole code points (no lone surrogates). */
function objectName(): string {
  const parts = ['incoming/', 'my file', 'a+b', '100%', 'café', '日本/報告', '😀', 'x?y=z&w', 'a@b', "it's", '~tmp', 'draft (2).txt'];
  const count = 1 + Math.floor(random() * 5);
  return Array.from({ length: count }, () => pick(parts)).join(pick(['', '/', ' ', '-']));
}

/** How S3 writes a key into an event: form encoding, a space as `+`, everything else special as %XX. */
function s3EventKey(name: string): string {
  const encoded = encodeURIComponent(name).replaceAll('%20', '+');
  return random() < 0.5 ? encoded : encoded.replaceAll('%2F', '/');
}

function pythonUnquotePlus(keys: string[]): string[] {
  // Bytes in and out, so the machine's locale cannot change what Python reads or writes.
  const script = [
    'import json, sys',
    'from urllib.parse import unquote_plus',
    "keys = json.loads(sys.stdin.buffer.read().decode('utf-8'))",
    'sys.stdout.write(json.dumps([unquote_plus(k) for k in keys]))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(keys), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, `python3 failed: ${run.error ?? run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

const hasPython = spawnSync('python3', ['--version']).error === undefined;

describe('decodeS3Key', () => {
  test('decodes S3 event keys like the S3 User Guide examples', () => {
    assert.equal(decodeS3Key('red+flower.jpg'), 'red flower.jpg');
    const recorded = referenceCase('s3-event', 's3_event.record.key_url_encoding').response.messages[0].s3.object.key;
    assert.equal(decodeS3Key(recorded), 'a@b');
    assert.equal(decodeS3Key('incoming/notes.txt'), 'incoming/notes.txt');
  });

  test('keeps malformed escapes and replaces invalid UTF-8 the way Python does', () => {
    assert.equal(decodeS3Key('100%'), '100%');
    assert.equal(decodeS3Key('%G1%4'), '%G1%4');
    assert.equal(decodeS3Key('%2B+%2b'), '+ +');
    assert.equal(decodeS3Key('%E6%97'), '\uFFFD');
    assert.equal(decodeS3Key('%F0%9F%98%80'), '😀');
    // A byte order mark is a character like any other here; TextDecoder would drop it by default.
    assert.equal(decodeS3Key('%EF%BB%BFa'), '\uFEFFa');
    // A raw non-ASCII character ends the byte run before it: %C3 is not completed by the %A9 after it.
    assert.equal(decodeS3Key('%C3é%A9'), '\uFFFDé\uFFFD');
  });

  test('gives the same string as Python urllib.parse.unquote_plus for 1200 generated keys', { skip: hasPython ? false : 'python3 is not installed: the differential check needs it' }, () => {
    const names = Array.from({ length: 600 }, objectName);
    const keys = [...Array.from({ length: 600 }, fragmentKey), ...names.map(s3EventKey)];
    const expected = pythonUnquotePlus(keys);
    assert.equal(expected.length, keys.length);
    const mismatches = keys
      .map((key, i) => ({ key, python: expected[i], ours: decodeS3Key(key) }))
      .filter((row) => row.python !== row.ours);
    assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} of ${keys.length} keys decode differently from Python`);
    // S3-encoded keys also round-trip to the object's real name.
    names.forEach((name, i) => assert.equal(decodeS3Key(keys[600 + i]!), name));
  });
});
