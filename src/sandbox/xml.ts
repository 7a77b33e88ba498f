import { createRequire } from 'node:module';

// fast-xml-parser's ESM entry is some forty small modules, which take Node 40-60 ms to load; its
// CommonJS entry is one bundled file of the same version that loads in ~7 ms. The first XML answer of
// a just-started sandbox (S3, IAM, STS) waits on that load, so the bundle is what is loaded.
const { XMLBuilder, XMLParser } = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');

// One parser/builder pair for every XML service (S3, IAM, STS), configured the way AWS XML reads:
// no attributes of interest, text values kept as strings (a bucket tag "007" must stay "007").
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  removeNSPrefix: true,
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@', suppressEmptyNode: false });

/** Parses an XML body; throws on malformed input so the caller can answer MalformedXML. */
export function parseXml(text: string): Record<string, unknown> {
  const parsed = parser.parse(text, true) as Record<string, unknown>;
  delete parsed['?xml'];
  return parsed;
}

/** Serialises an object to XML: arrays repeat their element, `@xmlns` becomes an attribute. */
export function buildXml(root: Record<string, unknown>): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + (builder.build(root) as string);
}

/** An XML element that may hold one value or many comes back from the parser as either: normalise. */
export function asArray<T>(value: T | T[] | undefined | null | ''): T[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}
