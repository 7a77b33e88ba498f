import type { DemoResult } from '../demo/run.js';
import { demoMessages as m } from './learn-messages.js';
import type { LearnView } from './learn-view.js';

/** `upload-lab demo`'s result as text: the deliveries side by side, then who kept the newest. */
export function showDemo(view: LearnView, result: DemoResult): void {
  const { plainPutItem: plain, conditionalWrite: conditional } = result;
  view.heading(m.heading(result.title));
  view.line(m.onYourLab(conditional.function, plain.function, result.table));
  view.line();
  view.line(m.sequencersHeading);
  result.sequencers.forEach((s, i) => {
    const previous = result.sequencers[i - 1]?.event;
    const relation = s.laterThanPrevious === null || !previous ? '' : s.laterThanPrevious ? m.laterThan(previous) : m.earlierThan(previous);
    view.line(`  ${s.event.padEnd(10)} ${s.sequencer.padEnd(20)} ${s.padded === s.sequencer ? '' : m.padded(s.padded)}${relation}`);
  });
  view.line();
  view.line(m.deliveriesHeading);
  const rows = plain.deliveries.map((d, i) => [`${i + 1}. ${d.event}`, m.cell(d.written, d.holds), m.cell(conditional.deliveries[i]!.written, conditional.deliveries[i]!.holds)]);
  const widths = [0, 1].map((c) => Math.max(m.columns[c]!.length, ...rows.map((r) => r[c]!.length)) + 2);
  view.dim(`  ${m.columns[0].padEnd(widths[0]!)}${m.columns[1].padEnd(widths[1]!)}${m.columns[2]}`);
  rows.forEach((row, i) => {
    view.line(`  ${row[0]!.padEnd(widths[0]!)}${row[1]!.padEnd(widths[1]!)}${row[2]}`);
    view.dim(`     ${plain.deliveries[i]!.note}`);
  });
  view.line();
  view.line(m.resultHeading);
  view.verdict(plain.keptNewest, `  ${m.kept(m.columns[1], plain.holds, result.newest, plain.keptNewest)}`);
  view.verdict(conditional.keptNewest, `  ${m.kept(m.columns[2], conditional.holds, result.newest, conditional.keptNewest)}`);
  view.line(m.lesson);
  view.dim(m.cleanedUp(result.removed.filter((c) => c.resource.startsWith('item ')).length));
}

