// The few HTML pages of the emulator's sign-in experience: pick an account, grant admin consent, messages.
import { escapeHtml } from './http.ts';
import type { SeedApp, SeedTenant, SeedUser } from './seed.ts';

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f3f2f1; color: #201f1e; }
  main { max-width: 32rem; margin: 3rem auto; background: #fff; padding: 2rem; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
  h1 { font-size: 1.5rem; margin-top: 0; } h2 { font-size: 1.1rem; margin-bottom: .5rem; }
  ul { list-style: none; padding: 0; margin: 0; } li { margin: .25rem 0; }
  button { width: 100%; text-align: left; padding: .6rem .8rem; font: inherit; background: #fff; border: 1px solid #8a8886; cursor: pointer; }
  button:hover, button:focus-visible { background: #edebe9; outline: 2px solid #0078d4; }
  .upn { display: block; color: #605e5c; font-size: .875rem; }
  .actions { display: flex; gap: .5rem; margin-top: 1rem; } .actions button { text-align: center; }
`;

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${content}</main></body></html>`;
}

function hiddenFields(params: URLSearchParams, skip: string[]): string {
  return [...params]
    .filter(([name]) => !skip.includes(name))
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
}

function userButton(user: SeedUser, name: string, labelPrefix = ''): string {
  return `<li><button type="submit" name="${name}" value="${escapeHtml(user.id)}" aria-label="${escapeHtml(
    `${labelPrefix}${user.displayName} (${user.userPrincipalName})`,
  )}">${escapeHtml(user.displayName)}<span class="upn">${escapeHtml(user.userPrincipalName)}</span></button></li>`;
}

export function signInPage(action: string, params: URLSearchParams, client: SeedApp, tenants: SeedTenant[]): string {
  const groups = tenants
    .filter((tenant) => tenant.users.length > 0)
    .map(
      (
        tenant,
      ) => `<section aria-labelledby="t-${tenant.id}"><h2 id="t-${tenant.id}">${escapeHtml(tenant.displayName)}</h2>
<ul>${tenant.users.map((user) => userButton(user, 'user_id', 'Sign in as ')).join('')}</ul></section>`,
    )
    .join('');
  return page(
    'Sign in to your account',
    `<h1>Pick an account</h1><p>to continue to <strong>${escapeHtml(client.displayName)}</strong></p>
<form method="post" action="${escapeHtml(action)}">${hiddenFields(params, ['user_id'])}${groups}</form>`,
  );
}

export function adminConsentPage(action: string, params: URLSearchParams, client: SeedApp, admins: SeedUser[]): string {
  const graph = client.requiredResourceAccess.graph;
  const permissions = [...(graph?.application ?? []), ...(graph?.delegated ?? [])];
  return page(
    'Permissions requested',
    `<h1>Permissions requested</h1><p><strong>${escapeHtml(client.displayName)}</strong> asks an administrator to accept for the whole organization:</p>
<ul>${[...new Set(permissions)].map((permission) => `<li>${escapeHtml(permission)}</li>`).join('')}</ul>
<form method="post" action="${escapeHtml(action)}">${hiddenFields(params, ['user_id', 'decision'])}
<input type="hidden" name="decision" value="accept">
<h2>Accept as</h2><ul>${admins.map((admin) => userButton(admin, 'user_id', 'Accept as ')).join('')}</ul></form>
<form method="post" action="${escapeHtml(action)}">${hiddenFields(params, ['user_id', 'decision'])}
<div class="actions"><button type="submit" name="decision" value="decline">Cancel</button></div></form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}

/** response_mode=form_post: the browser posts the answer to the redirect URI. */
export function formPostPage(redirectUri: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Working...</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(redirectUri)}">${inputs}
<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}
