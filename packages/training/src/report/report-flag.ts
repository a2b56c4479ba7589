import type { TrustFlag } from '@edl/attacks';

/** A trust-check flag shown in a report: an `@edl/attacks` {@link TrustFlag} and what it was raised on. */
export interface ReportFlag extends TrustFlag {
  /** The model, run or grid cell the flag was raised on, shown before it (e.g. `'Elastic DL'`, `'cell 3'`). */
  on?: string;
}

/** One line of text for a flag: `<on>: [<severity>] <id>: <message>` (the `<on>: ` part only when set). */
export function flagText(flag: ReportFlag): string {
  return `${flag.on ? `${flag.on}: ` : ''}[${flag.severity}] ${flag.id}: ${flag.message}`;
}

/** Whether `value` has the fields of a {@link TrustFlag} (for report parts read from JSON files). */
export function isTrustFlag(value: unknown): value is TrustFlag {
  const f = value as Partial<TrustFlag> | null;
  return (
    f !== null &&
    typeof f === 'object' &&
    typeof f.id === 'string' &&
    (f.severity === 'info' || f.severity === 'warning' || f.severity === 'error') &&
    typeof f.message === 'string'
  );
}
