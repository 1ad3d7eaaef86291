import type { AutomationAccountEvent } from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection } from '@app/projections';
import type { Document } from '@app/readmodels';

export interface AutomationAccountDoc extends Document {
  workspaceId: string;
  label: string;
  email: string;
  phone: string | null;
  status: 'connect_your_account' | 'connected' | 'login_failed';
  statusReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export const AUTOMATION_ACCOUNTS = 'automation_accounts';

export const automationAccountsProjection: Projection = {
  name: 'automation-accounts',
  version: 1,
  collections: [{ name: AUTOMATION_ACCOUNTS, indexes: ['workspaceId', 'status'] }],
  filter: { categories: ['automationAccount'] },
  async handle(recorded: RecordedEvent, ctx) {
    const event = recorded as unknown as AutomationAccountEvent;
    const at = recorded.metadata.occurredAt;
    if (event.type === 'AutomationAccountAdded') {
      ctx.put<AutomationAccountDoc>(AUTOMATION_ACCOUNTS, {
        id: event.data.accountId,
        workspaceId: recorded.metadata.workspaceId,
        label: event.data.label,
        email: event.data.email,
        phone: event.data.phone,
        status: 'connect_your_account',
        statusReason: null,
        createdAt: at,
        updatedAt: at,
      });
      return;
    }
    const current = await ctx.get<AutomationAccountDoc>(AUTOMATION_ACCOUNTS, event.data.accountId);
    if (!current) return;
    switch (event.type) {
      case 'AutomationAccountCredentialsChanged':
        ctx.put(AUTOMATION_ACCOUNTS, {
          ...current,
          email: event.data.email,
          status: 'connect_your_account',
          statusReason: null,
          updatedAt: at,
        });
        break;
      case 'AutomationAccountLoginSucceeded':
        ctx.put(AUTOMATION_ACCOUNTS, {
          ...current,
          status: 'connected',
          statusReason: null,
          updatedAt: at,
        });
        break;
      case 'AutomationAccountLoginFailed':
        ctx.put(AUTOMATION_ACCOUNTS, {
          ...current,
          status: 'login_failed',
          statusReason: event.data.reason,
          updatedAt: at,
        });
        break;
      case 'AutomationAccountCredentialsRefused':
        // Credentials that were never in force say nothing about the account's login.
        break;
    }
  },
};

/** The account card the API shows: no vault reference, no workspace internals. */
export function automationAccountCard(a: AutomationAccountDoc) {
  return {
    id: a.id,
    label: a.label,
    email: a.email,
    phone: a.phone,
    status: a.status,
    statusReason: a.statusReason,
    updatedAt: a.updatedAt,
  };
}
