import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI } from './cli.js';

/**
 * A real pseudo-terminal for the interactive commands: the built CLI runs in a detached tmux session of
 * a fixed size, on a tmux server of its own (its own socket, so tests never touch a learner's tmux).
 * Keys go in with send-keys; the screen comes out with capture-pane, scrollback included.
 */
export class TmuxSession {
  private constructor(
    private readonly socket: string,
    private readonly dir: string,
  ) {}

  /** Starts `upload-lab ...args` in a 160x50 terminal; when it ends, the pane shows `[exit N]` and stays. */
  static start(args: string[], env: Record<string, string>): TmuxSession {
    const dir = mkdtempSync(join(tmpdir(), 'upload-lab-tmux-'));
    const config = join(dir, 'tmux.conf');
    // Scrollback large enough for a whole lesson; no status line, so the screen is the program's.
    writeFileSync(config, 'set -g history-limit 100000\nset -g status off\n');
    const session = new TmuxSession(join(dir, 'socket'), dir);
    const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
    const environment = Object.entries({ ...env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ');
    session.tmux('-f', config, 'new-session', '-d', '-s', 'lab', '-x', '160', '-y', '50', `env -i ${environment} sh -c '${command.replaceAll("'", `'\\''`)}; echo "[exit $?]"; exec sleep 86400'`);
    return session;
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Keys by tmux name (`Enter`, `Down`, `C-c`). */
  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'lab', ...keys);
  }

  /** Literal text, then Enter. */
  type(text: string): void {
    this.tmux('send-keys', '-t', 'lab', '-l', text);
    this.keys('Enter');
  }

  /** Everything the terminal shows and has scrolled away, wrapped lines joined. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'lab');
  }

  /**
   * Polls the screen until `expected` shows `times` times (so the same prompt asked again is seen as new).
   * The wait is bounded, not a timing assertion: on timeout it fails with the screen.
   */
  async waitFor(expected: string | RegExp, { times = 1, timeoutMs = 60_000 } = {}): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (count(screen, expected) >= times) return screen;
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${String(expected)} (x${times}); the screen:\n${screen}`);
      await sleep(100);
    }
  }

  /**
   * Waits until the prompt `message` is asked for the `times`-th time and waits for an answer (clack
   * draws the prompt being asked with ◆, answered ones with ◇).
   */
  async prompt(message: string, times = 1): Promise<string> {
    const asked = new RegExp(`[◆◇]  ${escapeRegExp(message)}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const screen = await this.waitFor(asked, { times, timeoutMs: Math.max(0, deadline - Date.now()) });
      if (screen.includes(`◆  ${message}`)) return screen;
      await sleep(100);
    }
  }

  /** Answers the `times`-th asking of the prompt `message` by moving `down` choices and pressing Enter. */
  async choose(message: string, down = 0, times = 1): Promise<void> {
    await this.prompt(message, times);
    for (let i = 0; i < down; i++) this.keys('Down');
    this.keys('Enter');
  }

  /** Waits for the program to end; its exit code. */
  async exitCode(): Promise<number> {
    const screen = await this.waitFor(/\[exit \d+\]/);
    return Number(/\[exit (\d+)\]/.exec(screen)![1]);
  }

  /** The pid of the CLI's node process (the child of the pane's shell). */
  cliPid(): number {
    const shell = this.tmux('display-message', '-p', '-t', 'lab', '#{pane_pid}').trim();
    return Number(execFileSync('pgrep', ['-P', shell, '-f', CLI], { encoding: 'utf8' }).trim().split('\n')[0]);
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone: nothing to stop.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function count(screen: string, expected: string | RegExp): number {
  if (typeof expected === 'string') return screen.split(expected).length - 1;
  return [...screen.matchAll(new RegExp(expected.source, expected.flags.includes('g') ? expected.flags : `${expected.flags}g`))].length;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
