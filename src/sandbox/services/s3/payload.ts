import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { AwsError } from '../../aws-error.js';
import { header, type SandboxRequest } from '../../http.js';
import { decodeAwsChunked, isAwsChunked } from './chunked.js';

export interface Payload {
  bytes: Buffer;
  /** Hex MD5, the ETag without quotes. */
  md5: string;
  /** Base64 big-endian CRC32, as `x-amz-checksum-crc32` spells it. */
  crc32: string;
  /** The object's own Content-Encoding, with the `aws-chunked` transport framing removed. */
  contentEncoding: string | undefined;
}

/** An upload's bytes, unframed and checked against the digests the client sent (Content-MD5, CRC32 header or trailer). */
export function readPayload(req: SandboxRequest): Payload {
  let bytes = req.body;
  let trailers: Record<string, string> = {};
  if (isAwsChunked(req)) {
    const declared = header(req, 'x-amz-decoded-content-length');
    ({ payload: bytes, trailers } = decodeAwsChunked(req.body, declared === undefined ? undefined : Number(declared)));
  }
  const md5 = createHash('md5').update(bytes).digest();
  const crc = crc32Base64(bytes);
  const contentMd5 = header(req, 'content-md5');
  if (contentMd5 !== undefined) {
    if (Buffer.from(contentMd5, 'base64').length !== 16) {
      throw new AwsError('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400, { fields: { 'Content-MD5': contentMd5 } });
    }
    if (contentMd5 !== md5.toString('base64')) {
      throw new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400, {
        fields: { ExpectedDigest: contentMd5, CalculatedDigest: md5.toString('base64') },
      });
    }
  }
  const sentCrc = header(req, 'x-amz-checksum-crc32') ?? trailers['x-amz-checksum-crc32'];
  if (sentCrc !== undefined && sentCrc !== crc) {
    throw new AwsError('BadDigest', 'The CRC32 you specified did not match the calculated checksum.', 400);
  }
  const encodings = (header(req, 'content-encoding') ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e && e !== 'aws-chunked');
  return { bytes, md5: md5.toString('hex'), crc32: crc, contentEncoding: encodings.length ? encodings.join(', ') : undefined };
}

function crc32Base64(bytes: Buffer): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(bytes));
  return out.toString('base64');
}
