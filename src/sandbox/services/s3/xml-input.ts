import { AwsError } from '../../aws-error.js';
import { parseXml } from '../../xml.js';

/** Reading S3's XML request bodies: what S3 refuses as MalformedXML. */

export function malformedXml(): AwsError {
  return new AwsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
}

/** The body's root element's content, or MalformedXML. An element with no children reads as an empty object. */
export function xmlBody(body: Buffer, root: string): Record<string, unknown> {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseXml(body.toString('utf8'));
  } catch {
    throw malformedXml();
  }
  if (!(root in parsed)) throw malformedXml();
  return asRecord(parsed[root]);
}

/** A parsed XML element as an object: '' (an empty element) is `{}`, text where a structure belongs is MalformedXML. */
export function asRecord(value: unknown): Record<string, unknown> {
  if (value === '' || value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformedXml();
  return value as Record<string, unknown>;
}

/** A parsed XML text value, or MalformedXML when a structure stands where text belongs. */
export function asText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw malformedXml();
  return value;
}
