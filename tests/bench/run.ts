// `npm run bench [-- name...] [--seconds N]`: runs the benches (all, or those named) and prints
// `name  n  p50  p95  p99  ops/s  vs floor` for each.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { trustEmulatorCertificate } from '../../backend/src/tools/trust-emulator.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
// Benches that sign in talk to the local Microsoft 365 emulator over https.
await trustEmulatorCertificate(path.resolve(here, '..', '..', '.data'));
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { seconds: { type: 'string', default: '5' } },
});
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 120) {
  console.error('--seconds must be a number between 0 and 120');
  process.exit(2);
}

const benches = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''))
  .filter((name) => positionals.length === 0 || positionals.includes(name))
  .sort();
if (benches.length === 0) {
  console.error(`No bench matches ${positionals.join(', ')}.`);
  process.exit(2);
}

for (const name of benches) {
  console.log(
    `\n# ${name} (${seconds}s per measurement, ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'})`,
  );
  const bench = (await import(path.join(here, `${name}.bench.ts`))) as {
    run(options: { seconds: number }): Promise<void>;
  };
  await bench.run({ seconds });
}
