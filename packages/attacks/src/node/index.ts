/**
 * `@edl/attacks/node`: the Node-only helpers (file output, terminal progress). The main entry `@edl/attacks` never
 * imports a Node built-in, so it bundles for the browser.
 */
export { type TerminalProgressOptions, terminalProgress } from './terminal-progress.ts';
export { writeJsonAtomic } from './write-json-atomic.ts';
