// The CRM's one app package for Microsoft 365: a unified app manifest (manifests/app/manifest.json)
// with the Outlook add-in (read and compose), the web app as a personal Teams tab (also shown by
// Outlook and the Microsoft 365 app) and the Teams bot, rendered for a deployment: every URL from
// PUBLIC_URL, the app registration from ENTRA_CLIENT_ID and ENTRA_APP_ID_URI, the bot from
// BOT_APP_ID (left out without it). `npm run package` writes manifests/dist/app/ and the zip
// (manifest, localizations, icons), after validating it offline with office-addin-manifest.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type ZipEntry, zip } from './zip.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface Deployment {
  /** https origin users reach the CRM at, e.g. https://crm.example.com */
  publicUrl: string;
  clientId: string;
  appIdUri: string;
  /** The bot registration's app id; without it the package has no bot. */
  botAppId?: string;
}

export class DeploymentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeploymentError';
  }
}

/** The deployment from the environment; a missing or bad value stops with a sentence saying what to set. */
export function deploymentFromEnv(env: NodeJS.ProcessEnv = process.env): Deployment {
  const problems: string[] = [];
  const publicUrl = (env.PUBLIC_URL ?? '').replace(/\/+$/, '');
  let url: URL | undefined;
  try {
    url = new URL(publicUrl);
  } catch {
    // reported below
  }
  if (url?.protocol !== 'https:' || url.pathname !== '/' || url.search || url.hash) {
    problems.push(
      `PUBLIC_URL must be the https origin Outlook reaches the CRM at, such as https://crm.example.com (it is "${publicUrl}"): Outlook loads add-ins over https only.`,
    );
  }
  const clientId = env.ENTRA_CLIENT_ID ?? '';
  if (!GUID.test(clientId)) {
    problems.push('ENTRA_CLIENT_ID must be the application (client) ID of the CRM app registration, a GUID.');
  }
  const appIdUri = env.ENTRA_APP_ID_URI || (url ? `api://${url.host}/${clientId}` : '');
  if (env.ENTRA_APP_ID_URI && !/^(api|https):\/\/\S+$/.test(appIdUri)) {
    problems.push('ENTRA_APP_ID_URI must be the Application ID URI, such as api://crm.example.com/<client id>.');
  }
  const botAppId = env.BOT_APP_ID || undefined;
  if (botAppId !== undefined && !GUID.test(botAppId)) {
    problems.push(
      'BOT_APP_ID must be the app id of the bot registration, a GUID (or unset for a package without the bot).',
    );
  }
  if (problems.length > 0) throw new DeploymentError(`Cannot build the app package: ${problems.join(' ')}`);
  return { publicUrl, clientId, appIdUri, ...(botAppId ? { botAppId } : {}) };
}

const readJson = (file: string) => readFileSync(path.join(here, 'app', file), 'utf8');

export function renderAppManifest(deployment: Deployment): string {
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const values: Record<string, string> = {
    PUBLIC_URL: deployment.publicUrl,
    PUBLIC_HOST: new URL(deployment.publicUrl).host,
    CLIENT_ID: deployment.clientId,
    APP_ID_URI: deployment.appIdUri,
    VERSION: version,
    BOT_APP_ID: deployment.botAppId ?? '',
  };
  const rendered = readJson('manifest.json').replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`manifest.json names an unknown placeholder {{${name}}}`);
    // Values go into JSON strings.
    return JSON.stringify(value).slice(1, -1);
  });
  const manifest = JSON.parse(rendered) as Record<string, unknown>;
  if (deployment.botAppId) return rendered;
  delete manifest.bots;
  delete manifest.composeExtensions;
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** A localization file; without the bot, without the bot's strings. */
function localization(file: string, deployment: Deployment): string {
  const text = readJson(file);
  if (deployment.botAppId) return text;
  const strings = JSON.parse(text) as Record<string, unknown>;
  for (const key of Object.keys(strings)) {
    if (key.startsWith('bots[') || key.startsWith('composeExtensions[')) delete strings[key];
  }
  return `${JSON.stringify(strings, null, 2)}\n`;
}

/** The files of the app package, by name. */
export function appPackageFiles(deployment: Deployment): ZipEntry[] {
  return [
    { name: 'manifest.json', content: Buffer.from(renderAppManifest(deployment)) },
    { name: 'en-us.json', content: Buffer.from(localization('en-us.json', deployment)) },
    { name: 'de-de.json', content: Buffer.from(localization('de-de.json', deployment)) },
    { name: 'color.png', content: readFileSync(path.join(here, 'icons', 'color.png')) },
    { name: 'outline.png', content: readFileSync(path.join(here, 'icons', 'outline.png')) },
  ];
}

/** Runs office-addin-manifest's validation (offline for JSON manifests: it ships the schemas). */
export async function validateManifestFile(file: string): Promise<{ valid: boolean; output: string }> {
  const cli = path.join(root, 'node_modules', 'office-addin-manifest', 'cli.js');
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, 'validate', file], {
      cwd: path.dirname(file),
      timeout: 60_000,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    return { valid: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    return { valid: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` || failed.message };
  }
}

export async function writeAppPackage(deployment: Deployment, outDir = path.join(here, 'dist')) {
  const dir = path.join(outDir, 'app');
  mkdirSync(dir, { recursive: true });
  const files = appPackageFiles(deployment);
  for (const file of files) writeFileSync(path.join(dir, file.name), file.content);
  const validation = await validateManifestFile(path.join(dir, 'manifest.json'));
  if (!validation.valid) throw new DeploymentError(`The manifest is not valid:\n${validation.output}`);
  const zipFile = path.join(outDir, 'crm-for-microsoft-365.zip');
  writeFileSync(zipFile, zip(files));
  return { dir, zipFile };
}

const isEntryPoint = import.meta.url === `file://${process.argv[1]}`;
if (isEntryPoint) {
  try {
    const deployment = deploymentFromEnv();
    const { dir, zipFile } = await writeAppPackage(deployment);
    process.stdout.write(
      `App manifest valid: ${path.relative(process.cwd(), dir)}/manifest.json (Outlook add-in, Teams tab${deployment.botAppId ? ', Teams bot' : '; no bot: set BOT_APP_ID to include it'})\nApp package: ${path.relative(process.cwd(), zipFile)} (upload it in the Microsoft 365 admin center under Integrated apps, or in Teams under Apps > Manage your apps > Upload an app)\n`,
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
