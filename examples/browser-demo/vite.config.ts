import { defineConfig } from 'vite';

// Cross-origin isolation lets tfjs's wasm backend use threads (SharedArrayBuffer); every resource of the page is
// same-origin, so require-corp costs nothing here.
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
