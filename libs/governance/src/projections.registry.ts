import { type Projection, streamsProjection } from '@app/projections';
import { auditProjection } from './audit/audit.projection';
import { credentialsProjection } from './access/credentials.projection';
import { deprovisionReportProjection } from './deprovision/deprovision-report.projection';
import { directoryProjections } from './directory/identities.projection';
import { expiriesProjection } from './expiries/expiries.projection';
import { notificationsProjection } from './notifications/notifications.projection';
import {
  assetsProjection,
  automationAccountsProjection,
  automationTasksProjection,
  integrationsProjection,
  membersProjection,
} from './read-models';
import { taskEventsProjection } from './replay/task-events.projection';

/** Every projection the product runs; the CLI's rebuild and verify use the same list. */
export function allProjections(): Projection[] {
  return [
    streamsProjection,
    credentialsProjection,
    integrationsProjection,
    membersProjection,
    assetsProjection,
    automationTasksProjection,
    automationAccountsProjection,
    ...directoryProjections,
    expiriesProjection,
    taskEventsProjection,
    notificationsProjection,
    deprovisionReportProjection,
    auditProjection,
  ];
}
