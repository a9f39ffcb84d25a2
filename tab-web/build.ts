// Builds the web app into dist/ (served under /app/), precompressed, stamped so that `--if-stale`
// (npm start, the browser tests) builds only when its sources changed.
import { fileURLToPath } from 'node:url';
import { spaBuild } from '../web-shared/spa-build.ts';

const webApp = spaBuild({
  dir: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  topFiles: ['index.html', 'auth.html'],
});

export const { distDir, isStale, initialScriptBytes, ensureBuilt } = webApp;

if (import.meta.url === `file://${process.argv[1]}`) await webApp.main('Web app');
