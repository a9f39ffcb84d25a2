// Preloaded (`node --import`) into a worker process that talks to the emulator's Bot Connector: the Agents
// SDK's msal asks login.microsoftonline.com about the authority, and this sends that question to the emulator.
import { routeInstanceDiscovery } from '@crm/m365-emulator';

const authority = process.env.ENTRA_AUTHORITY_HOST;
if (!authority) throw new Error('ENTRA_AUTHORITY_HOST names the emulator whose instance discovery msal is sent to.');
routeInstanceDiscovery(authority);
