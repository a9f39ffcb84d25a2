// The web app's build: the app (index.html, every client route falls back to it) and the sign-in
// redirect bridge (auth.html) under /app/. Routes are split into their own chunks; hashed assets
// let the backend cache them for a year.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    // The initial JavaScript is watched by the app's size check, not by this warning.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: {
        index: path.join(here, 'index.html'),
        auth: path.join(here, 'auth.html'),
      },
    },
  },
});
