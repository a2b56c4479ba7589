// Test support (a child process of setup-backend.no-webgpu.test.ts): setupBackend in plain Node on a machine where the
// npm package webgpu is not installed. Node's own resolver looks 'webgpu' up from an empty folder (argv[2]), so the
// error is the real ERR_MODULE_NOT_FOUND, not a test runner's. Prints one JSON line.
import { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const parentURL = pathToFileURL(join(process.argv[2]!, 'index.mjs')).href;
register(
  `data:text/javascript,${encodeURIComponent(`export async function resolve(specifier, context, next) {
  return next(specifier, specifier === 'webgpu' ? { ...context, parentURL: ${JSON.stringify(parentURL)} } : context);
}`)}`,
);

const { setupBackend } = await import('../backend/setup-backend.node.ts');
let byName: string;
try {
  byName = `resolved: ${(await setupBackend({ backend: 'webgpu', quiet: true })).backend}`;
} catch (err) {
  byName = (err as Error).message;
}
const auto = await setupBackend({ quiet: true, threads: 1, native: 'off' });
console.log(JSON.stringify({ byName, auto: { backend: auto.backend, reason: auto.reason } }));
