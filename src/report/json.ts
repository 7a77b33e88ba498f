import type { Item } from '../aws/services.js';
import type { LabError } from '../errors.js';
import type { CheckOutcome, LabEvent } from '../steps/run.js';
import type { Change } from '../steps/step.js';
import type { Target } from './messages.js';
import type { OutputStream, Reporter } from './reporter.js';

interface JsonCheck {
  id: string;
  title: string;
  ok: boolean;
  detail: string;
  hint: string | null;
}

/**
 * --json: one object on stdout when the command ends. verify's is exactly DESIGN.md's
 * `{"passed", "total", "checks": [{"id", "title", "ok", "detail", "hint"}]}`; skips and warnings are
 * written into `detail` rather than as new keys, which that contract does not allow.
 */
export class JsonReporter implements Reporter {
  private readonly data: Record<string, unknown> = {};
  private readonly applied: { step: string; action: string; resource: string; reason?: string }[] = [];

  constructor(
    private readonly command: 'setup' | 'verify' | 'teardown',
    private readonly out: OutputStream,
  ) {}

  target(target: Target): void {
    if (this.command !== 'verify') Object.assign(this.data, { account: target.account, region: target.region, endpoint: target.endpoint ?? null });
  }

  plan(changes: Change[]): void {
    this.data.plan = changes;
  }

  event(event: LabEvent): void {
    if (event.type === 'apply-done') for (const change of event.changes) this.applied.push({ step: event.id, ...change });
  }

  checklist(outcomes: CheckOutcome[]): void {
    const checks: JsonCheck[] = outcomes.map((o) => ({
      id: o.id,
      title: o.title,
      ok: o.status === 'pass',
      detail: [o.detail, ...o.warnings.map((w) => `warning: ${w}`)].join(' | '),
      hint: o.hint ?? null,
    }));
    if (this.command === 'setup') this.data.applied = this.applied;
    Object.assign(this.data, { passed: checks.filter((c) => c.ok).length, total: checks.length, checks });
  }

  result(item: Item | undefined): void {
    this.data.item = item ?? null;
  }

  teardown(changes: Change[], dryRun: boolean): void {
    Object.assign(this.data, {
      dryRun,
      removed: changes.filter((c) => c.action === 'remove'),
      kept: changes.filter((c) => c.action === 'keep'),
      left: changes.filter((c) => c.action === 'left'),
    });
  }

  note(): void {}

  error(error: LabError): void {
    this.data.error = { code: error.code, message: error.message, fix: error.fix ?? null };
  }

  close(): void {
    this.out.write(JSON.stringify(this.data, null, 2) + '\n');
  }
}
