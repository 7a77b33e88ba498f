import type { Reporter, ReporterSettings } from './reporter.js';

/**
 * Spinners and colours only for a person at a terminal who has not asked for NO_COLOR. A terminal
 * that reports 0 columns (a pty nobody sized, as `script` or some CI runners make) gets plain lines:
 * ora divides by the width to know how many lines to clear, and would loop forever.
 */
export async function createReporter(settings: ReporterSettings): Promise<Reporter> {
  if (settings.json) return new (await import('./json.js')).JsonReporter(settings.command, settings.out);
  const { TextReporter, plainStyle } = await import('./text.js');
  if (settings.out.isTTY && !settings.env.NO_COLOR && (settings.out.columns ?? 0) > 0) {
    const { ttyStyle, OraSpinner } = await import('./tty.js');
    return new TextReporter(settings.out, settings.err, ttyStyle(), new OraSpinner(settings.out));
  }
  return new TextReporter(settings.out, settings.err, plainStyle);
}
