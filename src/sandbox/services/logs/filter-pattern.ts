import { AwsError } from '../../aws-error.js';

/**
 * CloudWatch Logs filter patterns, the unstructured-text syntax only:
 *
 * - an empty pattern (or a blank quoted phrase, `" "`) matches every event;
 * - `ERROR ARGUMENTS`: every term must appear (AND);
 * - `"INTERNAL SERVER ERROR"`: a quoted phrase must appear exactly, spaces and punctuation included;
 * - `?ERROR ?ARGUMENTS`: at least one of the `?` terms must appear (OR);
 * - `ERROR -ARGUMENTS`: a `-` term must not appear;
 * - matching is case-sensitive, and a term matches anywhere in the message (substring).
 *
 * JSON (`{ $.x = 1 }`), space-delimited (`[ip, user, ...]`) and regex (`%…%`) patterns are refused
 * with a clear error rather than guessed at: a wrong answer there would teach the learner the wrong thing.
 */
export type MessageFilter = (message: string) => boolean;

interface Term {
  text: string;
  kind: 'required' | 'optional' | 'excluded';
}

export function parseFilterPattern(pattern: string): MessageFilter {
  const trimmed = pattern.trim();
  if (/^[{[%]/.test(trimmed)) {
    throw new AwsError(
      'InvalidParameterException',
      'The sandbox supports only text filter patterns (terms, "quoted phrases", ?term, -term); ' +
        'JSON ({ $.field = value }), space-delimited ([a, b, ...]) and regex (%...%) patterns are not supported.',
    );
  }
  const terms = tokenize(trimmed);
  const required = terms.filter((t) => t.kind === 'required').map((t) => t.text);
  const optional = terms.filter((t) => t.kind === 'optional').map((t) => t.text);
  const excluded = terms.filter((t) => t.kind === 'excluded').map((t) => t.text);
  return (message) =>
    required.every((t) => message.includes(t)) &&
    !excluded.some((t) => message.includes(t)) &&
    (optional.length === 0 || optional.some((t) => message.includes(t)));
}

function tokenize(pattern: string): Term[] {
  const terms: Term[] = [];
  let i = 0;
  while (i < pattern.length) {
    if (/\s/.test(pattern[i]!)) {
      i++;
      continue;
    }
    let kind: Term['kind'] = 'required';
    const sign = pattern[i];
    // A lone `?` or `-` (followed by a space or the end) is an ordinary term.
    if ((sign === '?' || sign === '-') && i + 1 < pattern.length && !/\s/.test(pattern[i + 1]!)) {
      kind = sign === '?' ? 'optional' : 'excluded';
      i++;
    }
    let text: string;
    if (pattern[i] === '"') {
      [text, i] = readQuoted(pattern, i + 1);
      // The documented way to match everything is a quoted blank: it constrains nothing.
      if (!text.trim()) continue;
    } else {
      const end = pattern.slice(i).search(/\s/);
      text = end < 0 ? pattern.slice(i) : pattern.slice(i, i + end);
      i += text.length;
    }
    terms.push({ text, kind });
  }
  return terms;
}

/** Reads a quoted phrase starting after its opening quote; `\"` and `\\` escape. Returns the phrase and the index after the closing quote. */
function readQuoted(pattern: string, start: number): [string, number] {
  let text = '';
  for (let i = start; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      text += pattern[++i];
    } else if (c === '"') {
      return [text, i + 1];
    } else {
      text += c;
    }
  }
  throw new AwsError('InvalidParameterException', `Invalid filter pattern: the quoted phrase starting at position ${start} is not closed.`);
}
