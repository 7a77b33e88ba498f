import type { SandboxResponse } from '../../http.js';
import { notFound, type FunctionStore } from './functions.js';

/** Only the code of an existing function is served, as a presigned URL stops working once the function is gone. */
export function downloadCode(store: FunctionStore, file: string): SandboxResponse {
  const hex = /^([0-9a-f]{64})\.zip$/.exec(file)?.[1];
  if (!hex || !store.usesCode(hex)) throw notFound('The resource you requested does not exist.');
  return { status: 200, headers: { 'content-type': 'application/zip' }, body: store.readCodeHex(hex) };
}
