// Shared by the sandbox (which encodes keys in the S3 events it sends) and the CLI (whose code check
// sends the function an event for a key that needs decoding, as S3 would encode it).

/**
 * Encodes a key as S3 puts it in event records and in `encoding-type=url` listings (Java's
 * URLEncoder, keeping `/`): letters, digits and `.-*_` stay, a space becomes `+`, every other byte of
 * the UTF-8 form becomes `%XX`. So `a b+c@é` arrives as `a+b%2Bc%40%C3%A9`; clients decode it with
 * unquote_plus.
 */
export function s3UrlEncode(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.*_\-/]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}
