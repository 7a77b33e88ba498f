import type { OutputStream, Reporter, ReporterSettings } from './reporter.js';
import type { Style, TextReporter } from './text.js';

/**
 * Spinners and colours only for a person at a terminal who has not asked for NO_COLOR. A terminal
 * that reports 0 columns (a pty nobody sized, as `script` or some CI runners make) gets plain lines:
 * ora divides by the width to know how many lines to clear, and would loop forever.
 */
export async function createReporter(settings: ReporterSettings): Promise<Reporter> {
  if (settings.json) return new (await import('./json.js')).JsonReporter(settings.command, settings.out);
  return (await createTextReporter(settings.out, settings.err, settings.env)).reporter;
}

/** The text reporter and the style it draws with (learn's view reuses both). */
export async function createTextReporter(out: OutputStream, err: OutputStream, env: NodeJS.ProcessEnv): Promise<{ reporter: TextReporter; style: Style }> {
  const { TextReporter, plainStyle } = await import('./text.js');
  if (isStyledTerminal(out, env)) {
    const { ttyStyle, OraSpinner } = await import('./tty.js');
    const style = ttyStyle();
    return { reporter: new TextReporter(out, err, style, new OraSpinner(out)), style };
  }
  return { reporter: new TextReporter(out, err, plainStyle), style: plainStyle };
}

/** A person at a sized terminal who has not asked for NO_COLOR (see createReporter). */
export function isStyledTerminal(out: OutputStream, env: NodeJS.ProcessEnv): boolean {
  return Boolean(out.isTTY) && !env.NO_COLOR && (out.columns ?? 0) > 0;
}
