/** Small helpers for the benchmark: percentiles, timing, a fixed-width report line. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await fn();
  return [result, performance.now() - start];
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  target?: string;
}

export function formatFigure(f: Figure): string {
  const value = f.unit === 'ms' || f.unit === 's' ? f.value.toFixed(f.unit === 's' ? 2 : 1) : f.value.toFixed(f.unit === '%' ? 1 : 0);
  return `${f.name.padEnd(66)} ${value.padStart(9)} ${f.unit.padEnd(10)} ${f.target ? `target ${f.target}` : ''}`.trimEnd();
}
