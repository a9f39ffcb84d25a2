// The Microsoft 365 Agents Playground (`@microsoft/m365agentsplayground`) talking to our bot offline:
// its configuration for one demo user of the emulator's directory, and the Playground started on it.
// The bot takes its unsigned activities only with BOT_PLAYGROUND (see bot.endpoint.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SeedTenant, SeedUser } from '@crm/m365-emulator';

interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

function playgroundUser(user: SeedUser): PlaygroundUser {
  return {
    // Teams' ids of users in a chat are opaque; the object id is what the bot looks users up by.
    id: `29:${user.id}`,
    name: user.displayName,
    // The Playground's own (misspelt) key.
    userPrincipleName: user.userPrincipalName,
    aadObjectId: user.id,
    // The Playground needs both names; the directory may only have the display name.
    givenName: user.givenName ?? user.displayName.split(' ')[0] ?? user.displayName,
    surname: user.surname ?? user.displayName.split(' ').slice(1).join(' '),
    email: user.mail ?? user.userPrincipalName,
  };
}

/**
 * The chat's other members: the tenant's other users, and as many stand-ins as the Playground
 * needs (it wants five); stand-ins are unknown to the CRM, so the bot gives them a sign-in hint only.
 */
function colleagues(tenant: SeedTenant, user: SeedUser): PlaygroundUser[] {
  const others = tenant.users.filter((other) => other.id !== user.id).map(playgroundUser);
  for (let n = others.length + 1; others.length < 5; n++) {
    const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    others.push(
      playgroundUser({
        id,
        displayName: `Gast ${n}`,
        userPrincipalName: `gast${n}@${tenant.domain}`,
        directoryRoles: [],
        appRoles: [],
      }),
    );
  }
  return others;
}

/** The Playground's configuration: `user` of `tenant` writes, the tenant's other users are the chat's members. */
export function playgroundConfig(tenant: SeedTenant, user: SeedUser, bot: { appId: string; name: string }) {
  return {
    version: '0.1.1',
    tenantId: tenant.id,
    bot: { id: `28:${bot.appId}`, name: bot.name },
    currentUser: playgroundUser(user),
    users: colleagues(tenant, user),
    personalChat: { id: `a:playground-personal-${user.id}` },
    groupChat: { id: `19:playground-group-${tenant.id}@thread.v2`, name: `${tenant.displayName} (Playground)` },
    team: {
      id: `19:playground-team-${tenant.id}@thread.tacv2`,
      name: tenant.displayName,
      aadGroupId: tenant.id,
      channels: [{ id: `19:playground-sales-${tenant.id}@thread.tacv2`, name: 'Vertrieb' }],
    },
  };
}

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://localhost:3000/api/messages. */
  endpoint: string;
  /** Where its configuration and log go. */
  dir: string;
  config: ReturnType<typeof playgroundConfig>;
  port: number;
  /** Opens its page in the system's browser (the command line), or not (tests). */
  openBrowser?: boolean;
  /** Where its output goes besides being read for its port (the command line's stdout). */
  echo?: NodeJS.WritableStream;
}

export interface RunningPlayground {
  process: ChildProcess;
  /** Its page, e.g. http://localhost:56150/ (it takes another port when the one asked for is busy). */
  url: string;
  stop(): Promise<void>;
}

/** Starts the Playground's page and stand-in Teams connector; resolves once it listens. */
export function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  mkdirSync(options.dir, { recursive: true });
  const configPath = path.join(options.dir, '.m365agentsplayground.yml');
  // JSON is YAML: the Playground reads it as its yml file.
  writeFileSync(configPath, `${JSON.stringify(options.config, null, 2)}\n`);
  const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  const child = spawn(
    process.execPath,
    [cli, '--app-endpoint', options.endpoint, '--channel-id', 'msteams', '--port', String(options.port), '--dt'],
    {
      cwd: options.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_LOGFILE: path.join(options.dir, 'playground.log'),
        // Its page opens in the system's browser unless told not to.
        ...(options.openBrowser ? {} : { TEAMSAPPTESTER_BROWSER: 'none' }),
      },
    },
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  };
  let ended = false;
  child.once('exit', () => {
    ended = true;
  });
  const answering = async (url: string) => {
    while (!ended) {
      const status = await fetch(`${url}_internal/v1/config`).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return new Promise((resolve, reject) => {
    let url: string | undefined;
    let output = '';
    const take = (chunk: Buffer) => {
      if (options.echo) options.echo.write(chunk);
      output += chunk.toString();
      const port = /Listening on (\d+)/.exec(output)?.[1];
      if (port && !url) {
        url = `http://localhost:${port}/`;
        // It listens before it reads its configuration, and ends when that is wrong: ready once it answers.
        void answering(url).then(() => resolve({ process: child, url: url as string, stop }), reject);
      }
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.once('exit', (code) =>
      reject(new Error(`The Agents Playground ended (${code}) before it listened:\n${output}`)),
    );
  });
}
