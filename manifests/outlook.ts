// The Outlook add-in's unified app manifest (manifests/outlook/manifest.json, read and compose),
// rendered for a deployment: every URL from PUBLIC_URL, the app registration from ENTRA_CLIENT_ID
// and ENTRA_APP_ID_URI. `npm run package` writes manifests/dist/outlook/ and the app package zip
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
  if (problems.length > 0) throw new DeploymentError(`Cannot build the app package: ${problems.join(' ')}`);
  return { publicUrl, clientId, appIdUri };
}

const readJson = (file: string) => readFileSync(path.join(here, 'outlook', file), 'utf8');

export function renderOutlookManifest(deployment: Deployment): string {
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const values: Record<string, string> = {
    PUBLIC_URL: deployment.publicUrl,
    PUBLIC_HOST: new URL(deployment.publicUrl).host,
    CLIENT_ID: deployment.clientId,
    APP_ID_URI: deployment.appIdUri,
    VERSION: version,
  };
  const rendered = readJson('manifest.json').replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`manifest.json names an unknown placeholder {{${name}}}`);
    // Values go into JSON strings.
    return JSON.stringify(value).slice(1, -1);
  });
  JSON.parse(rendered); // still JSON
  return rendered;
}

/** The files of the app package, by name. */
export function outlookPackageFiles(deployment: Deployment): ZipEntry[] {
  return [
    { name: 'manifest.json', content: Buffer.from(renderOutlookManifest(deployment)) },
    { name: 'en-us.json', content: Buffer.from(readJson('en-us.json')) },
    { name: 'de-de.json', content: Buffer.from(readJson('de-de.json')) },
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

export async function writeOutlookPackage(deployment: Deployment, outDir = path.join(here, 'dist')) {
  const dir = path.join(outDir, 'outlook');
  mkdirSync(dir, { recursive: true });
  const files = outlookPackageFiles(deployment);
  for (const file of files) writeFileSync(path.join(dir, file.name), file.content);
  const validation = await validateManifestFile(path.join(dir, 'manifest.json'));
  if (!validation.valid) throw new DeploymentError(`The manifest is not valid:\n${validation.output}`);
  const zipFile = path.join(outDir, 'crm-outlook-addin.zip');
  writeFileSync(zipFile, zip(files));
  return { dir, zipFile };
}

const isEntryPoint = import.meta.url === `file://${process.argv[1]}`;
if (isEntryPoint) {
  try {
    const { dir, zipFile } = await writeOutlookPackage(deploymentFromEnv());
    process.stdout.write(
      `Outlook add-in manifest valid: ${path.relative(process.cwd(), dir)}/manifest.json\nApp package: ${path.relative(process.cwd(), zipFile)} (upload it in the Microsoft 365 admin center under Integrated apps, or sideload it in Outlook)\n`,
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}
