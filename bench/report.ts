/** Renders benchmark rows: a table for people, one JSON object for machines. */
import { type Figures, type ResultRow, formatSi, passes } from './harness.ts';

export function formatRatio(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(1) : ratio.toPrecision(3)}×`;
}

function formatTarget(row: ResultRow): string {
  return `${row.better === 'lower' ? '≤' : '≥'} ${formatRatio(row.target)}`;
}

function headline(figures: Figures): string {
  return `${formatSi(figures.value)} ${figures.unit}`;
}

function rawFigures(figures: Figures): string {
  const { label, value, unit, ...raw } = figures;
  const parts = Object.entries(raw).map(([key, v]) => `${key} ${typeof v === 'number' && !Number.isInteger(v) ? formatSi(v) : JSON.stringify(v)}`);
  return `${label}: ${formatSi(value)} ${unit}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** The table, the raw figures of each row under it, and a last line naming every missed target. */
export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['benchmark', 'ours', 'baseline', 'ratio', 'target', 'result'];
  const cells = rows.map((row) => [row.id, headline(row.ours), headline(row.baseline), formatRatio(row.ratio), formatTarget(row), passes(row) ? 'pass' : 'MISSED']);
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((line) => line[c]!.length)));
  const line = (values: readonly string[]) => values.map((v, c) => (c >= 1 && c <= 4 ? v.padStart(widths[c]!) : v.padEnd(widths[c]!))).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), ''];
  for (const row of rows) {
    out.push(`${row.id}: ${row.title}`, `  ours:     ${rawFigures(row.ours)}`, `  baseline: ${rawFigures(row.baseline)}`);
    for (const note of row.notes ?? []) out.push(`  ${note}`);
  }
  const missed = rows.filter((row) => !passes(row));
  out.push(
    '',
    missed.length === 0
      ? `All ${rows.length} targets met.`
      : `MISSED ${missed.length} of ${rows.length} targets: ${missed.map((r) => `${r.id} ${formatRatio(r.ratio)} (target ${formatTarget(r)})`).join('; ')}`,
  );
  return out.join('\n');
}

/** One object keyed by row id: `{ ratio, target, better, pass, title, ours, baseline, ...details }`. */
export function toJson(rows: readonly ResultRow[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of rows) {
    if (row.id in out) throw new Error(`two benchmark rows share the id ${row.id}`);
    out[row.id] = {
      ratio: row.ratio,
      target: row.target,
      better: row.better ?? 'higher',
      pass: passes(row),
      title: row.title,
      ours: row.ours,
      baseline: row.baseline,
      ...row.details,
    };
  }
  return out;
}
