const warned = new Set<string>();

/** `console.warn` once per distinct message, prefixed so it stands out. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`[@edl/ops] WARNING: ${message}`);
}
