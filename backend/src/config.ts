// Configuration, read once from the environment at start-up and typed everywhere after.
import path from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = (name: string, example: number) =>
  z.coerce
    .number({ error: `${name} must be a TCP port number, for example ${example}` })
    .int(`${name} must be a whole number, for example ${example}`)
    .min(0, `${name} must be between 0 and 65535 (0 picks a free port)`)
    .max(65535, `${name} must be between 0 and 65535 (0 picks a free port)`);

const ROLES = ['all', 'api', 'worker'] as const;

const seconds = (name: string, example: number, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number of seconds, for example ${example}` })
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const EnvSchema = z.object({
  PORT: port('PORT', 3000).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      error: 'PUBLIC_URL must be an absolute http(s) URL such as https://crm.example.com',
    })
    .optional(),
  DATABASE_URL: z
    .url({
      protocol: /^postgres(ql)?$/,
      error:
        'DATABASE_URL must be a postgresql:// URL such as postgresql://user@127.0.0.1:5432/crm; leave it unset to use the embedded database',
    })
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  DB_POOL_MAX: z.coerce
    .number({ error: 'DB_POOL_MAX must be a number of connections, for example 10' })
    .int('DB_POOL_MAX must be a whole number, for example 10')
    .min(1, 'DB_POOL_MAX must be at least 1')
    .max(200, 'DB_POOL_MAX must be at most 200')
    .default(10),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty'], { error: 'LOG_FORMAT must be json or pretty' }).optional(),
  ENTRA_AUTHORITY_HOST: z
    .url({
      protocol: /^https$/,
      error:
        'ENTRA_AUTHORITY_HOST must be the https origin of the identity platform, https://login.microsoftonline.com in production',
    })
    .default('https://login.microsoftonline.com'),
  ENTRA_CLIENT_ID: z.guid({
    error: 'ENTRA_CLIENT_ID must be the application (client) ID of the CRM app registration, a GUID',
  }),
  ENTRA_CLIENT_SECRET: z.string().min(1).optional(),
  ENTRA_APP_ID_URI: z
    .string()
    .regex(
      /^(api|https):\/\/\S+$/,
      'ENTRA_APP_ID_URI must be the Application ID URI, such as api://crm.example.com/<client id>',
    )
    .optional(),
  GRAPH_BASE_URL: z
    .url({
      protocol: /^https$/,
      error: 'GRAPH_BASE_URL must be an https URL, https://graph.microsoft.com in production',
    })
    .default('https://graph.microsoft.com'),
  TAB_HOST_ORIGINS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .url({
            protocol: /^https?$/,
            error:
              'TAB_HOST_ORIGINS must be a comma-separated list of origins such as https://teams.contoso.com that may host the web app as a Teams tab',
          })
          .transform((origin) => new URL(origin).origin),
      ),
    ),
  DOCUMENT_MAX_BYTES: z.coerce
    .number({ error: 'DOCUMENT_MAX_BYTES must be a number of bytes, for example 26214400 (25 MB)' })
    .int('DOCUMENT_MAX_BYTES must be a whole number of bytes')
    .min(1024, 'DOCUMENT_MAX_BYTES must be at least 1024 (1 kB)')
    .max(256 * 1024 * 1024, 'DOCUMENT_MAX_BYTES must be at most 268435456 (256 MB)')
    .default(25 * 1024 * 1024),
  GRAPH_NOTIFICATION_URL: z
    .url({
      protocol: /^https?$/,
      error:
        'GRAPH_NOTIFICATION_URL must be the absolute URL Microsoft Graph posts change notifications to, such as https://crm.example.com/api/graph/notifications; leave it unset to poll',
    })
    .optional(),
  GRAPH_SYNC_POLL_SECONDS: seconds('GRAPH_SYNC_POLL_SECONDS', 300, 10, 86_400).default(300),
  MAIL_FILING_MAX_BYTES: z.coerce
    .number({ error: 'MAIL_FILING_MAX_BYTES must be a number of bytes, for example 52428800 (50 MB)' })
    .int('MAIL_FILING_MAX_BYTES must be a whole number of bytes')
    .min(64 * 1024, 'MAIL_FILING_MAX_BYTES must be at least 65536 (64 kB)')
    .max(512 * 1024 * 1024, 'MAIL_FILING_MAX_BYTES must be at most 536870912 (512 MB)')
    .default(50 * 1024 * 1024),
  BACKEND_ROLE: z
    .enum(ROLES, {
      error: 'BACKEND_ROLE must be all (API and job workers), api (HTTP only) or worker (job workers only)',
    })
    .default('all'),
  JOBS_POOL_MAX: z.coerce
    .number({ error: 'JOBS_POOL_MAX must be a number of connections, for example 4' })
    .int('JOBS_POOL_MAX must be a whole number, for example 4')
    .min(2, 'JOBS_POOL_MAX must be at least 2')
    .max(50, 'JOBS_POOL_MAX must be at most 50')
    .default(4),
  JOBS_POLL_SECONDS: seconds('JOBS_POLL_SECONDS', 1, 0.5, 60).default(1),
  JOBS_EXPIRE_SECONDS: seconds('JOBS_EXPIRE_SECONDS', 120, 2, 86_400)
    .int('JOBS_EXPIRE_SECONDS must be a whole number of seconds')
    .default(120),
  JOBS_BATCH_SIZE: z.coerce
    .number({ error: 'JOBS_BATCH_SIZE must be a number of jobs, for example 200' })
    .int('JOBS_BATCH_SIZE must be a whole number, for example 200')
    .min(1, 'JOBS_BATCH_SIZE must be at least 1')
    .max(2000, 'JOBS_BATCH_SIZE must be at most 2000')
    .default(200),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: 'SHUTDOWN_TIMEOUT_MS must be a number of milliseconds, for example 10000' })
    .int('SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds')
    .min(0, 'SHUTDOWN_TIMEOUT_MS cannot be negative')
    .max(120_000, 'SHUTDOWN_TIMEOUT_MS must be at most 120000 (two minutes)')
    .default(10_000),
});

/** May carry credentials: never echoed back in an error. */
const SECRET_VARIABLES = new Set(['DATABASE_URL', 'ENTRA_CLIENT_SECRET']);

export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a backend process runs: the HTTP API, the job workers, or both. */
export type BackendRole = (typeof ROLES)[number];

export interface JobsConfig {
  /** Connections of the job runtime's own pool (on the embedded database, taken from its sockets). */
  readonly poolMax: number;
  /** How often an idle worker looks for due jobs. */
  readonly pollSeconds: number;
  /** How long a job may stay active before it counts as lost (its worker died) and runs again. */
  readonly expireSeconds: number;
  /** Jobs a worker fetches at once; handlers get them grouped by tenant. */
  readonly batchSize: number;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  /** The address users and Microsoft reach us at; defaults to http://localhost:PORT. */
  readonly publicUrl: string | undefined;
  /** A real PostgreSQL server; undefined starts the embedded one under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Absolute directory for the embedded database and other local state. */
  readonly dataDir: string;
  readonly dbPoolMax: number;
  readonly logLevel: LogLevel;
  readonly logFormat: 'json' | 'pretty';
  readonly shutdownTimeoutMs: number;
  readonly role: BackendRole;
  readonly jobs: JobsConfig;
  /** Microsoft identity platform and Graph, or the local emulator standing in for them. */
  readonly entra: {
    readonly authorityHost: string;
    readonly clientId: string;
    readonly clientSecret: string | undefined;
    /** Audiences accepted in access tokens: the client id and, if set, the Application ID URI. */
    readonly audiences: readonly string[];
    readonly graphBaseUrl: string;
  };
  /**
   * Origins besides Microsoft's own (Teams, Outlook, the Microsoft 365 app) that may frame the
   * web app as a Teams tab and speak teams-js with it: a test's stand-in host, a sovereign cloud.
   */
  readonly tabHostOrigins: readonly string[];
  /** Outlook sync (issue #15). */
  readonly graphSync: {
    /**
     * Where Graph posts change notifications (our `/api/graph/notifications`, reachable from
     * Microsoft); undefined when Graph cannot reach us (a laptop): polling alone keeps mailboxes current.
     */
    readonly notificationUrl: string | undefined;
    /** How often every mailbox is synced without being told (always; the safety net under notifications). */
    readonly pollSeconds: number;
  };
  /** Largest JSON request body accepted, in bytes. */
  readonly jsonBodyLimitBytes: number;
  /** Largest document (an upload or a mail attachment), in bytes. */
  readonly documentMaxBytes: number;
  /** Largest JSON body of a mail filing, attachments included (base64 makes them a third larger). */
  readonly mailFilingMaxBytes: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads `schema`'s variables from `env`, or throws one ConfigError naming every bad one. */
function parseEnvironment<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  // An empty variable (`PORT=`) means "not set", as in most .env tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const sentences = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const value = present[name];
    const shown =
      value === undefined || SECRET_VARIABLES.has(name)
        ? ''
        : ` (it is "${value.length > 80 ? `${value.slice(0, 80)}…` : value}")`;
    return `${issue.message}${shown}.`;
  });
  throw new ConfigError(`Invalid configuration: ${sentences.join(' ')}`);
}

const LocalSuiteSchema = z.object({
  M365_EMULATOR_PORT: port('M365_EMULATOR_PORT', 3443).default(3443),
});

/** `npm start` only: the port of the local Microsoft 365 emulator it runs beside the backend. */
export function loadEmulatorPort(env: NodeJS.ProcessEnv = process.env): number {
  return parseEnvironment(LocalSuiteSchema, env).M365_EMULATOR_PORT;
}

/**
 * Validates the environment. A bad value throws a ConfigError whose message is one sentence
 * per bad variable, naming it, what it holds and what to set instead.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const e = parseEnvironment(EnvSchema, env);
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    dbPoolMax: e.DB_POOL_MAX,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    role: e.BACKEND_ROLE,
    jobs: {
      poolMax: e.JOBS_POOL_MAX,
      pollSeconds: e.JOBS_POLL_SECONDS,
      expireSeconds: e.JOBS_EXPIRE_SECONDS,
      batchSize: e.JOBS_BATCH_SIZE,
    },
    entra: {
      authorityHost: e.ENTRA_AUTHORITY_HOST.replace(/\/+$/, ''),
      clientId: e.ENTRA_CLIENT_ID,
      clientSecret: e.ENTRA_CLIENT_SECRET,
      audiences: [e.ENTRA_CLIENT_ID, ...(e.ENTRA_APP_ID_URI ? [e.ENTRA_APP_ID_URI] : [])],
      graphBaseUrl: e.GRAPH_BASE_URL.replace(/\/+$/, ''),
    },
    tabHostOrigins: e.TAB_HOST_ORIGINS,
    graphSync: {
      notificationUrl:
        e.GRAPH_NOTIFICATION_URL ??
        (e.PUBLIC_URL?.startsWith('https://')
          ? `${e.PUBLIC_URL.replace(/\/+$/, '')}/api/graph/notifications`
          : undefined),
      pollSeconds: e.GRAPH_SYNC_POLL_SECONDS,
    },
    jsonBodyLimitBytes: 1024 * 1024,
    documentMaxBytes: e.DOCUMENT_MAX_BYTES,
    mailFilingMaxBytes: e.MAIL_FILING_MAX_BYTES,
  };
}

/**
 * The role the command line asks for: `--worker-only` runs job workers without HTTP, `--no-worker`
 * the API without workers. Overrides BACKEND_ROLE; anything else on the command line is refused.
 */
export function roleFromArguments(args: readonly string[], role: BackendRole): BackendRole {
  let chosen = role;
  for (const arg of args) {
    if (arg === '--worker-only') chosen = 'worker';
    else if (arg === '--no-worker') chosen = 'api';
    else throw new ConfigError(`Unknown option ${arg}: the backend accepts --worker-only or --no-worker.`);
  }
  if (args.includes('--worker-only') && args.includes('--no-worker')) {
    throw new ConfigError('--worker-only and --no-worker exclude each other: give one of them.');
  }
  return chosen;
}
