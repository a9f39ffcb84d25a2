// Loaded with --import into a process that must work offline (the app package's build and its
// validator): any look-up of a host name, and any fetch beyond this machine, fails at once and
// is noted in the file NO_NETWORK_LOG names, so a test sees what was tried.

import dns from 'node:dns';
import { appendFileSync } from 'node:fs';

const log = process.env.NO_NETWORK_LOG;
const refuse = (what: string) => {
  if (log) appendFileSync(log, `${what}\n`);
  return new Error(`offline: ${what}`);
};
const local = (host: string) => host === 'localhost' || host === '127.0.0.1' || host === '::1';

const lookup = dns.lookup;
// biome-ignore lint/suspicious/noExplicitAny: dns.lookup's overloads; the host name is all that matters here
(dns as any).lookup = (host: string, ...rest: any[]) => {
  if (local(host)) return (lookup as (...args: unknown[]) => void)(host, ...rest);
  const callback = rest.at(-1) as (error: Error) => void;
  process.nextTick(() => callback(refuse(`dns ${host}`)));
};
dns.promises.lookup = async (host: string) => {
  throw refuse(`dns ${host}`);
};
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!local(url.hostname)) throw refuse(`fetch ${url.href}`);
  return realFetch(input, init);
};
