import type { Item } from '../aws/services.js';
import type { LabError } from '../errors.js';
import type { CheckOutcome, LabEvent } from '../steps/run.js';
import { learnMessages as m } from './learn-messages.js';
import { itemLines } from './messages.js';
import { createTextReporter } from './create-reporter.js';
import type { OutputStream } from './reporter.js';
import type { Style, TextReporter } from './text.js';

/**
 * What `learn`, `quiz` and `progress` show: the lesson's text, the learner's results, and (through the
 * setup/verify reporter, reused as it is) the lab's apply and check lines with their spinner. The walk
 * decides what to say; this decides how it looks.
 */
export class LearnView {
  constructor(
    private readonly style: Style,
    private readonly lab: TextReporter,
  ) {}

  /** Every line goes through the lab reporter, so a running spinner is cleared first. */
  line(text = ''): void {
    this.lab.note(text);
  }

  lines(texts: readonly string[], indent = ''): void {
    for (const text of texts) this.line(`${indent}${text}`);
  }

  heading(text: string): void {
    this.line();
    this.line(this.style.highlight(text));
  }

  dim(text: string): void {
    this.line(this.style.dim(text));
  }

  event(event: LabEvent): void {
    this.lab.event(event);
  }

  checklist(outcomes: CheckOutcome[]): void {
    this.lab.checklist(outcomes);
  }

  /** A titled block of commands or paths, indented. */
  block(title: string, texts: readonly string[]): void {
    this.line(title);
    this.lines(texts, '  ');
  }

  /** A verdict: the part's checks passed, or not yet. */
  verdict(ok: boolean, text: string): void {
    this.line(ok ? this.style.pass(text) : this.style.fail(text));
  }

  logLine(text: string): void {
    this.line(this.style.dim(m.logLine(text)));
  }

  item(item: Item): void {
    for (const { name, value, key } of itemLines(item)) this.line(key ? `  ${this.style.highlight(`${name} = ${value}`)}  ${this.style.dim(m.keyNote)}` : `  ${name} = ${value}`);
  }

  /** An answer judged: right, or the expected answer; then why. */
  feedback(correct: boolean, expected: string, explanation: string): void {
    this.verdict(correct, correct ? m.right : m.wrong(expected));
    this.dim(`  ${explanation}`);
  }

  error(error: LabError, debug: boolean): void {
    this.lab.error(error, debug);
  }

  close(): void {
    this.lab.close();
  }
}

/** The learn view: colours and a spinner on a styled terminal, plain lines otherwise. */
export async function createLearnView(out: OutputStream, err: OutputStream, env: NodeJS.ProcessEnv): Promise<LearnView> {
  const { reporter, style } = await createTextReporter(out, err, env);
  return new LearnView(style, reporter);
}
