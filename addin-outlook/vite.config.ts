// The task pane build: three pages under /addin/ — the pane as Outlook loads it (index.html, with
// office.js from Microsoft's CDN), the same pane on the office-js stand-in (try.html) and the
// sign-in redirect bridge (auth.html). Hashed assets, so the backend can cache them for a year.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/addin/',
  plugins: [react()],
  build: {
    outDir: path.join(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    // The pane's size is watched by the addin bench (initial JavaScript, gzipped), not by this warning.
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: {
        index: path.join(here, 'index.html'),
        try: path.join(here, 'try.html'),
        auth: path.join(here, 'auth.html'),
      },
    },
  },
});
