// Bundles the contract as the add-in's bundler (vite) does and prints, as JSON, the packages it
// reaches and the bundled code. Runs as its own process: vite's native bundler does not run
// inside jest's module sandbox.
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const entry = fileURLToPath(new URL('../index.ts', import.meta.url));
const packages = new Set<string>();
const packageOf = (id: string) =>
  (id.startsWith('@') ? id.split('/').slice(0, 2) : id.split('/').slice(0, 1)).join('/');

const output = await build({
  configFile: false,
  logLevel: 'silent',
  build: {
    write: false,
    minify: false,
    lib: { entry, formats: ['es'], fileName: 'contract' },
    rolldownOptions: {
      // Every package stays outside the bundle and is noted: the test judges them.
      external: (id) => {
        const bare = !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0');
        if (bare) packages.add(packageOf(id));
        return bare;
      },
    },
  },
});
const code = (Array.isArray(output) ? output : [output])
  .flatMap((result) => ('output' in result ? result.output : []))
  .map((file) => (file.type === 'chunk' ? file.code : ''))
  .join('\n');
process.stdout.write(JSON.stringify({ packages: [...packages].sort(), code }));
