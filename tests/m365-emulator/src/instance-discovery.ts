// Routes msal's instance discovery to the emulator, for SDKs that give no way to set `knownAuthorities`.
//
// msal asks https://login.microsoftonline.com/common/discovery/instance about any authority host it does not
// know (msal-common Authority.updateCloudDiscoveryMetadata), and without an answer naming the host it refuses
// the authority (endpoints_resolution_error). The Microsoft 365 Agents SDK builds its ConfidentialClientApplication
// without knownAuthorities (agents-hosting src/auth/msal/msalTokenProvider.ts, getClientSecretClient) and fetches
// through the global fetch (src/auth/msal/msalHttpRetryHandlerHelper.ts, MsalHttpClient): so this wrapper of the
// global fetch sends that one request to the emulator's /common/discovery/instance, which names the emulator's
// host. Every other request, token requests included, goes where the SDK sends it.
const DISCOVERY = 'https://login.microsoftonline.com/common/discovery/instance';

export interface InstanceDiscoveryRoute {
  /** Puts the global fetch back. */
  restore(): void;
}

export function routeInstanceDiscovery(emulatorUrl: string): InstanceDiscoveryRoute {
  const original = globalThis.fetch;
  const base = emulatorUrl.replace(/\/$/, '');
  const routed: typeof fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(`${DISCOVERY}?`) || url === DISCOVERY) {
      return original(`${base}${url.slice('https://login.microsoftonline.com'.length)}`, init);
    }
    return original(input, init);
  };
  globalThis.fetch = routed;
  return {
    restore: () => {
      if (globalThis.fetch === routed) globalThis.fetch = original;
    },
  };
}
