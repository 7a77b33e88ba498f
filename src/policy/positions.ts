/** A place in a policy's JSON text, 1-based, as SimulatePrincipalPolicy reports it. */
export interface TextPosition {
  Line: number;
  Column: number;
}

export interface TextSpan {
  start: TextPosition;
  end: TextPosition;
}

/**
 * Where each statement of a policy document's text begins and ends, in Statement order, the way
 * SimulatePrincipalPolicy counts: the column just after the statement's `{` and just after its `}`
 * (inferred from a recorded AWS answer: a statement whose braces sit at 0-based offsets 39 and 111
 * of line 1 was reported at columns 41 and 113). A small scanner over the text, since JSON.parse
 * forgets positions. Expects text that already parsed.
 */
export function statementSpans(text: string): TextSpan[] {
  const offsets: [number, number][] = [];
  let depth = 0;
  let topKey: string | undefined;
  let statementDepth = -1;
  let openedAt = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      let next = i + 1;
      while (/\s/.test(text[next] ?? '')) next++;
      if (depth === 1 && text[next] === ':') topKey = JSON.parse(text.slice(start, i + 1)) as string;
    } else if (ch === '{' || ch === '[') {
      depth++;
      if (depth === 2 && topKey === 'Statement') statementDepth = ch === '{' ? 2 : 3;
      if (depth === statementDepth && ch === '{' && topKey === 'Statement') openedAt = i;
    } else if (ch === '}' || ch === ']') {
      if (depth === statementDepth && ch === '}' && topKey === 'Statement') offsets.push([openedAt, i]);
      depth--;
    }
  }
  const at = positionsOf(text);
  return offsets.map(([open, close]) => ({ start: at(open + 1), end: at(close + 1) }));
}

function positionsOf(text: string): (offset: number) => TextPosition {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  return (offset) => {
    let line = lineStarts.length - 1;
    while (lineStarts[line]! > offset) line--;
    return { Line: line + 1, Column: offset - lineStarts[line]! + 1 };
  };
}
