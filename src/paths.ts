import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything the tool keeps on disk lives under one folder: `UPLOAD_LAB_HOME`, else `~/.upload-lab`.
 * Tests point it at a temporary folder.
 */
export function toolHome(): string {
  return process.env.UPLOAD_LAB_HOME || join(homedir(), '.upload-lab');
}

/** The local sandbox's default data dir, shared by `upload-lab sandbox` and every `--local` command. */
export function defaultSandboxDataDir(): string {
  return join(toolHome(), 'sandbox');
}
