import { readFileSync } from 'node:fs';

/**
 * Defaults both sides agree on, in one place: the CLI's options and messages, and the sandbox's
 * options. Neither side owns them, so they live outside both.
 */

/** The port `upload-lab sandbox` listens on: LocalStack's, so tools configured for it just work. */
export const DEFAULT_PORT = 4566;
/** Loopback only: the sandbox accepts any credentials. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_ENDPOINT = `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;
/** How long the lab waits for each slow thing (a role to propagate, a log line). */
export const DEFAULT_TIMEOUT_SECONDS = 90;

/** The tool's version, as package.json states it: one source, so the two never disagree. */
export function toolVersion(): string {
  // dist/src/common/defaults.js -> the package root, where package.json ships.
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
