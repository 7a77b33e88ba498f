import { AwsError } from '../../aws-error.js';
import { header, type SandboxRequest } from '../../http.js';

export interface DecodedBody {
  payload: Buffer;
  /** Trailing headers sent after the last chunk (`x-amz-checksum-crc32: ...`), names lowercased. */
  trailers: Record<string, string>;
}

/**
 * True when the body is framed with `aws-chunked`: the JS SDK v3 streams uploads this way
 * (`STREAMING-UNSIGNED-PAYLOAD-TRAILER` with a checksum trailer), SigV4 streaming signs each chunk.
 */
export function isAwsChunked(req: Pick<SandboxRequest, 'headers'>): boolean {
  const encoding = header(req, 'content-encoding') ?? '';
  const sha = header(req, 'x-amz-content-sha256') ?? '';
  return encoding.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}

const CRLF = Buffer.from('\r\n');

/**
 * Decodes `aws-chunked` framing: `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` repeated, a zero-size
 * chunk, then optional trailer lines and a blank line. Chunk and trailer signatures are not checked
 * (the sandbox checks no signature at all).
 */
export function decodeAwsChunked(body: Buffer, decodedLength: number | undefined): DecodedBody {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = body.indexOf(CRLF, offset);
    if (lineEnd < 0) throw incomplete();
    const sizeText = body.subarray(offset, lineEnd).toString('latin1').split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) {
      throw new AwsError('InvalidChunkSizeError', 'Only the last chunk is allowed to have a size less than 8192 bytes', 400);
    }
    const size = parseInt(sizeText, 16);
    offset = lineEnd + 2;
    if (size === 0) break;
    if (offset + size > body.length) throw incomplete();
    parts.push(body.subarray(offset, offset + size));
    offset += size;
    // Each chunk's bytes are followed by CRLF.
    if (body.subarray(offset, offset + 2).equals(CRLF)) offset += 2;
  }
  const trailers: Record<string, string> = {};
  for (const line of body.subarray(offset).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const payload = Buffer.concat(parts);
  if (decodedLength !== undefined && payload.length !== decodedLength) throw incomplete();
  return { payload, trailers };
}

function incomplete(): AwsError {
  return new AwsError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header', 400);
}
