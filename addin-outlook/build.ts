// Builds the task pane into dist/: three pages under /addin/ (see vite.config.ts), hashed assets,
// precompressed, stamped so that `--if-stale` (npm start, the browser tests) builds only when needed.
import { fileURLToPath } from 'node:url';
import { spaBuild } from '../web-shared/spa-build.ts';

const pane = spaBuild({
  dir: fileURLToPath(new URL('.', import.meta.url)),
  base: '/addin/',
  topFiles: ['index.html', 'try.html', 'auth.html'],
});

export const { distDir, sourceHash, isStale, initialScriptsOf, initialScriptBytes, ensureBuilt } = pane;
export const buildAddin = pane.build;

if (import.meta.url === `file://${process.argv[1]}`) await pane.main('Outlook add-in');
