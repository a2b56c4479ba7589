// The browser-safe entry of @edl/ops (export condition `default`): no Node built-in anywhere in its module graph.

export { defaultThreads, setupBackend } from './backend/setup-backend.ts';
export * from './public-api.ts';
