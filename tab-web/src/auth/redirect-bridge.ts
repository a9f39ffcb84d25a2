// The sign-in popup lands here (auth.html): msal hands the answer to the app that opened it.
import { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';

const status = document.getElementById('status');
broadcastResponseToMainFrame().then(
  () => {
    if (status) status.textContent = '✓';
  },
  (error: unknown) => {
    if (status) status.textContent = `Sign-in failed / Anmeldung fehlgeschlagen: ${(error as Error).message}`;
  },
);
