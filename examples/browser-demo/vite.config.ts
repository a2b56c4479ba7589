import { defineConfig } from 'vite';

// Not cross-origin isolated on purpose. With the headers Cross-Origin-Opener-Policy: same-origin and
// Cross-Origin-Embedder-Policy: require-corp, tfjs-backend-wasm 4.22 picks its threaded build, whose pthread workers
// are made from the source text of its (bundled, minified) factory function and fail in a Vite bundle with
// "Uncaught ReferenceError: e is not defined"; tf.setBackend('wasm') then never resolves. Without them the page runs
// wasm on one thread (setupBackend says so in its reason).
export default defineConfig({
  base: './',
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
