/**
 * A journal item records one command: `data.command` and the domain events it produced
 * (`data.events`: settlement, overdue, the command's own effect…). The apps list those events.
 */
import type { JournalEntry } from './types.ts';

export interface DomainEvent {
  readonly seq: number;
  readonly index: number;
  readonly type: string;
  readonly date: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export function domainEvents(entries: readonly JournalEntry[]): DomainEvent[] {
  const out: DomainEvent[] = [];
  for (const entry of entries) {
    const data = (entry.data ?? {}) as Record<string, unknown>;
    const events = Array.isArray(data['events']) ? (data['events'] as unknown[]) : [{ type: entry.type, date: entry.businessDate, data }];
    events.forEach((raw, index) => {
      const e = (raw ?? {}) as Record<string, unknown>;
      out.push({
        seq: entry.seq,
        index,
        type: typeof e['type'] === 'string' ? e['type'] : entry.type,
        date: typeof e['date'] === 'string' ? e['date'] : entry.businessDate,
        data: (typeof e['data'] === 'object' && e['data'] !== null ? e['data'] : {}) as Record<string, unknown>,
      });
    });
  }
  return out;
}
