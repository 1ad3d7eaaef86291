import { type Projection, streamsProjection } from '@app/projections';
import { credentialsProjection } from './access/credentials.projection';
import { directoryProjections } from './directory/identities.projection';
import { expiriesProjection } from './expiries/expiries.projection';
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
  ];
}
