/**
 * The questions `learn` and `quiz` ask, behind a small interface: the walk and the activities depend
 * on it, not on the prompt library. The one implementation is @clack/prompts (see clackPrompter).
 */
export interface Choice<T extends string> {
  value: T;
  label: string;
}

export interface Prompter {
  /** One choice among several (arrow keys, Enter). */
  choose<T extends string>(message: string, choices: readonly Choice<T>[]): Promise<T>;
  /** A line of text. */
  ask(message: string): Promise<string>;
}

/** The learner pressed Ctrl+C (or Escape) at a prompt: stop, keep the progress, exit 130. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted at a prompt');
    this.name = 'Interrupted';
  }
}

/** Exit code of a program stopped by Ctrl+C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * @clack/prompts: MIT, four small dependencies, maintained, Node >= 20.12. It answers Ctrl+C with a
 * cancel value instead of killing the process, so the caller decides (here: Interrupted, exit 130,
 * progress kept) and the terminal leaves raw mode cleanly.
 */
export async function clackPrompter(): Promise<Prompter> {
  const clack = await import('@clack/prompts');
  /** Clack answers Ctrl+C (and Escape) with its cancel symbol. */
  const answer = <T>(value: T | symbol): T => {
    if (clack.isCancel(value)) throw new Interrupted();
    return value as T;
  };
  return {
    async choose<T extends string>(message: string, choices: readonly Choice<T>[]): Promise<T> {
      const options = choices.map((c) => ({ value: c.value as string, label: c.label }));
      return answer(await clack.select<string>({ message, options })) as T;
    },
    async ask(message: string): Promise<string> {
      return answer<string>(await clack.text({ message }));
    },
  };
}
