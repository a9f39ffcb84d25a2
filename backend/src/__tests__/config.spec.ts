import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig as load, loadEmulatorPort, roleFromArguments } from '../config.ts';

const CLIENT_ID = 'ce845856-9ad9-492b-b63b-33f4f6ce7418';
/** Every start needs the CRM's app registration; the tests vary the rest. */
const loadConfig = (env: Record<string, string>, cwd?: string) => load({ ENTRA_CLIENT_ID: CLIENT_ID, ...env }, cwd);

describe('configuration', () => {
  it('starts with working defaults when nothing is set', () => {
    const config = loadConfig({}, '/srv/crm');
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      dataDir: '/srv/crm/.data',
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
      jsonBodyLimitBytes: 1024 * 1024,
      entra: {
        authorityHost: 'https://login.microsoftonline.com',
        clientId: CLIENT_ID,
        clientSecret: undefined,
        audiences: [CLIENT_ID],
        graphBaseUrl: 'https://graph.microsoft.com',
      },
    });
  });

  it('needs the app registration of the CRM', () => {
    expect(() => load({})).toThrow(
      'Invalid configuration: ENTRA_CLIENT_ID must be the application (client) ID of the CRM app registration, a GUID.',
    );
  });

  it('accepts the Application ID URI as a second audience and never echoes the client secret', () => {
    const config = loadConfig({
      ENTRA_APP_ID_URI: `api://crm.contoso.example/${CLIENT_ID}`,
      ENTRA_CLIENT_SECRET: 's3cret',
    });
    expect(config.entra.audiences).toEqual([CLIENT_ID, `api://crm.contoso.example/${CLIENT_ID}`]);
    expect(() => loadConfig({ ENTRA_AUTHORITY_HOST: 'http://login.example', ENTRA_CLIENT_SECRET: 's3cret' })).toThrow(
      /ENTRA_AUTHORITY_HOST must be the https origin/,
    );
  });

  it('reads every variable it documents', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        PUBLIC_URL: 'https://crm.contoso.example/',
        DATABASE_URL: 'postgresql://crm@db.internal:5432/crm',
        DATA_DIR: '/var/lib/crm',
        DB_POOL_MAX: '25',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        SHUTDOWN_TIMEOUT_MS: '5000',
      },
      '/srv/crm',
    );
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      publicUrl: 'https://crm.contoso.example',
      databaseUrl: 'postgresql://crm@db.internal:5432/crm',
      dataDir: '/var/lib/crm',
      dbPoolMax: 25,
      logLevel: 'debug',
      logFormat: 'json',
      shutdownTimeoutMs: 5000,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it.each([
    ['PORT', 'http', /^Invalid configuration: PORT must be a TCP port number, for example 3000 \(it is "http"\)\.$/],
    ['PORT', '70000', /PORT must be between 0 and 65535 .*\(it is "70000"\)/],
    ['PORT', '80.5', /PORT must be a whole number/],
    ['DATABASE_URL', 'mysql://root@localhost/crm', /DATABASE_URL must be a postgresql:\/\/ URL .*leave it unset/],
    ['PUBLIC_URL', 'crm.example.com', /PUBLIC_URL must be an absolute http\(s\) URL/],
    [
      'LOG_LEVEL',
      'verbose',
      /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(it is "verbose"\)/,
    ],
    ['DB_POOL_MAX', '0', /DB_POOL_MAX must be at least 1/],
    ['SHUTDOWN_TIMEOUT_MS', '-1', /SHUTDOWN_TIMEOUT_MS cannot be negative/],
    ['BACKEND_ROLE', 'bot', /BACKEND_ROLE must be all \(API and job workers\), api \(HTTP only\) or worker/],
    ['JOBS_POLL_SECONDS', '0.1', /JOBS_POLL_SECONDS must be at least 0.5/],
    ['JOBS_EXPIRE_SECONDS', '1', /JOBS_EXPIRE_SECONDS must be at least 2/],
    ['JOBS_BATCH_SIZE', 'many', /JOBS_BATCH_SIZE must be a number of jobs, for example 200/],
  ])('refuses %s=%s with a sentence naming the variable and the fix', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it("reads the local emulator's port for npm start, with the same sentences", () => {
    expect(loadEmulatorPort({})).toBe(3443);
    expect(loadEmulatorPort({ M365_EMULATOR_PORT: '0' })).toBe(0);
    expect(() => loadEmulatorPort({ M365_EMULATOR_PORT: 'eighty' })).toThrow(
      new ConfigError(
        'Invalid configuration: M365_EMULATOR_PORT must be a TCP port number, for example 3443 (it is "eighty").',
      ),
    );
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(/PORT .*\. LOG_LEVEL /);
  });

  it('never echoes a database URL, which may hold a password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://crm:s3cret@db/crm' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://crm:s3cret@db/crm' })).not.toThrow(/s3cret/);
  });

  it('shortens long values it echoes', () => {
    const long = `x${'y'.repeat(300)}`;
    expect(() => loadConfig({ LOG_LEVEL: long })).toThrow(/\(it is "xy{79}…"\)/);
  });

  it('runs API and job workers in one process unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({
      role: 'all',
      jobs: { poolMax: 4, pollSeconds: 1, expireSeconds: 120, batchSize: 200 },
    });
    expect(loadConfig({ BACKEND_ROLE: 'worker', JOBS_EXPIRE_SECONDS: '3' })).toMatchObject({
      role: 'worker',
      jobs: { expireSeconds: 3 },
    });
  });

  it('takes the role from the command line over BACKEND_ROLE, and refuses anything else there', () => {
    expect(roleFromArguments(['--worker-only'], 'all')).toBe('worker');
    expect(roleFromArguments(['--no-worker'], 'worker')).toBe('api');
    expect(roleFromArguments([], 'api')).toBe('api');
    expect(() => roleFromArguments(['--workers'], 'all')).toThrow(
      'Unknown option --workers: the backend accepts --worker-only or --no-worker.',
    );
    expect(() => roleFromArguments(['--worker-only', '--no-worker'], 'all')).toThrow(/exclude each other/);
  });
});
