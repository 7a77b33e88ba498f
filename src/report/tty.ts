import { Chalk } from 'chalk';
import ora, { type Ora } from 'ora';
import type { OutputStream } from './reporter.js';
import type { Spinner, Style } from './text.js';

/** Colours decided by the reporter factory (TTY, no NO_COLOR), not re-detected by chalk. */
export function ttyStyle(): Style {
  const chalk = new Chalk({ level: 1 });
  return {
    pass: chalk.green,
    fail: chalk.red,
    skip: chalk.yellow,
    warn: chalk.yellow,
    dim: chalk.dim,
    highlight: (text) => chalk.bold.cyan(text),
    symbols: { pass: '✔', fail: '✖', skip: '○', warn: '⚠', create: chalk.green('+'), reuse: '=', change: chalk.yellow('~'), remove: chalk.red('-'), keep: '=', left: chalk.red('!') },
  };
}

export class OraSpinner implements Spinner {
  private readonly ora: Ora;

  constructor(private readonly stream: OutputStream) {
    // discardStdin would put stdin in raw mode, eating the y/N answer and Ctrl+C.
    this.ora = ora({ stream: stream as NodeJS.WritableStream, isEnabled: true, discardStdin: false });
  }

  show(text: string): void {
    this.ora.text = text;
    if (!this.ora.isSpinning) this.ora.start();
  }

  /** Clears the spinner and writes a finished line; the next `show` starts it again. */
  persist(line: string): void {
    this.stop();
    this.stream.write(line + '\n');
  }

  stop(): void {
    if (this.ora.isSpinning) this.ora.stop();
  }
}
