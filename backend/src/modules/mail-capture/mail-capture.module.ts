import type { CrmModule } from '../module.ts';
import { captureRulesRoutes } from './capture-rules.routes.ts';
import { anonymiseCaptureAudits } from './mail-capture.service.ts';
import { sharedMailboxesRoutes } from './shared-mailboxes.routes.ts';

/** Mail filed automatically through Graph under the organisation's and the users' capture rules (E2, Y2). */
export const mailCaptureModule: CrmModule = {
  name: 'mail-capture',
  routes: () => [...captureRulesRoutes(), ...sharedMailboxesRoutes()],
  erasureHooks: [anonymiseCaptureAudits],
};
