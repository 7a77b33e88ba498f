import type { Item } from '../aws/services.js';
import type { LabError } from '../errors.js';
import type { CheckOutcome, LabEvent } from '../steps/run.js';
import type { Change } from '../steps/step.js';
import { describeChange, itemLines, messages, targetLine, type Target } from './messages.js';
import type { OutputStream, Reporter } from './reporter.js';

/** How text looks: colours and symbols on a terminal, plain words elsewhere. */
export interface Style {
  pass(text: string): string;
  fail(text: string): string;
  skip(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  /** The item's composite key. */
  highlight(text: string): string;
  symbols: Record<'pass' | 'fail' | 'skip' | 'warn' | Change['action'], string>;
}

const same = (text: string) => text;

/** One line per step, greppable words instead of symbols, no escape codes. */
export const plainStyle: Style = {
  pass: same,
  fail: same,
  skip: same,
  warn: same,
  dim: same,
  highlight: same,
  symbols: { pass: 'PASS', fail: 'FAIL', skip: 'SKIP', warn: 'WARN', create: '+', reuse: '=', change: '~', remove: '-', keep: '=', left: '!' },
};

/** A spinner shows what runs now; `persist` clears it and writes a finished line. */
export interface Spinner {
  show(text: string): void;
  persist(line: string): void;
  stop(): void;
}

export class TextReporter implements Reporter {
  private readonly running = new Set<string>();

  constructor(
    private readonly out: OutputStream,
    private readonly err: OutputStream,
    private readonly style: Style,
    private readonly spinner?: Spinner,
  ) {}

  private line(text = ''): void {
    if (this.spinner) this.spinner.persist(text);
    else this.out.write(text + '\n');
  }

  private changeLine(change: Change, done: boolean): string {
    const symbol = this.style.symbols[change.action];
    const text = describeChange(change, done);
    return `  ${change.action === 'reuse' || change.action === 'keep' ? this.style.dim(`${symbol} ${text}`) : `${symbol} ${text}`}`;
  }

  target(target: Target): void {
    this.line(targetLine(target));
  }

  plan(changes: Change[]): void {
    if (changes.every((c) => c.action === 'reuse')) {
      this.line(messages.nothingToChange);
      return;
    }
    this.line(messages.planHeading);
    for (const change of changes) this.line(this.changeLine(change, false));
  }

  event(event: LabEvent): void {
    const { style } = this;
    switch (event.type) {
      case 'apply-start':
        this.running.add(event.id);
        this.spinner?.show(`building ${[...this.running].join(', ')}…`);
        return;
      case 'apply-done':
        this.running.delete(event.id);
        for (const change of event.changes) this.line(`${this.changeLine(change, true)}`);
        if (this.running.size > 0) this.spinner?.show(`building ${[...this.running].join(', ')}…`);
        return;
      case 'check-start':
        this.spinner?.show(`checking: ${event.title}…`);
        return;
      case 'check-done': {
        const o = event.outcome;
        const mark = o.status === 'pass' ? style.pass(style.symbols.pass) : o.status === 'fail' ? style.fail(style.symbols.fail) : style.skip(style.symbols.skip);
        this.line(`${mark} ${o.id.padEnd(11)} ${o.title}: ${o.status === 'skip' ? style.dim(o.detail) : o.detail}`);
        for (const warning of o.warnings) this.line(`    ${style.warn(`${style.symbols.warn} ${messages.warning}: ${warning}`)}`);
        if (o.hint) this.line(`    ${messages.hint}: ${o.hint}`);
        if (o.docs) this.line(`    ${messages.docs}: ${style.dim(o.docs)}`);
        return;
      }
      case 'upload-start':
        this.spinner?.show(`${messages.uploading(event.key)}…`);
        return;
      case 'upload-done':
        this.line(`  ${style.symbols.create} ${messages.uploaded(event.evidence.key, event.evidence.etag)}`);
        return;
      case 'remove-done':
        for (const change of event.changes) {
          this.line(this.changeLine(change, true));
          if (change.command) this.line(`      ${messages.byHand}: ${change.command}`);
        }
        return;
    }
  }

  checklist(outcomes: CheckOutcome[]): void {
    const { style } = this;
    this.line();
    this.line(messages.checklistHeading);
    for (const o of outcomes) {
      const box = o.status === 'pass' ? style.pass('[x]') : o.status === 'fail' ? style.fail('[ ]') : style.skip('[-]');
      this.line(`  ${box} ${o.title}`);
    }
    const passed = outcomes.filter((o) => o.status === 'pass').length;
    const summary = messages.passed(passed, outcomes.length);
    this.line(passed === outcomes.length ? style.pass(summary) : style.fail(summary));
  }

  result(item: Item | undefined, where: string[]): void {
    this.line();
    if (!item) {
      this.line(messages.noItem);
    } else {
      this.line(messages.itemHeading);
      for (const { name, value, key } of itemLines(item)) this.line(key ? `  ${this.style.highlight(`${name} = ${value}`)}  ${this.style.dim('(key)')}` : `  ${name} = ${value}`);
    }
    this.line();
    this.line(messages.whereHeading);
    for (const line of where) this.line(`  ${line}`);
  }

  teardown(changes: Change[], dryRun: boolean): void {
    if (changes.length === 0) return;
    if (dryRun) {
      this.line(messages.teardownHeading(true));
      for (const change of changes) {
        this.line(this.changeLine(change, false));
        if (change.action === 'keep' && change.command) this.line(`      ${messages.byHand}: ${change.command}`);
      }
      return;
    }
    const left = changes.filter((c) => c.action === 'left');
    if (left.length === 0) {
      this.line(changes.some((c) => c.action === 'keep' && c.command) ? messages.removedAllButKept : messages.removedAll);
      return;
    }
    this.line();
    this.line(this.style.fail(messages.leftHeading(left.length)));
    for (const change of left) {
      this.line(`  ${this.style.symbols.left} ${change.resource}: ${change.reason ?? ''}`);
      if (change.command) this.line(`      ${change.command}`);
    }
  }

  note(text: string): void {
    this.line(text);
  }

  error(error: LabError, debug: boolean): void {
    this.spinner?.stop();
    this.err.write(`${this.style.fail('Error:')} ${error.message}\n`);
    if (error.fix) this.err.write(`${messages.errorFix}: ${error.fix}\n`);
    if (debug) this.err.write(`${(error.cause instanceof Error ? error.cause : error).stack ?? ''}\n`);
  }

  close(): void {
    this.spinner?.stop();
  }
}
