import { Injectable } from '@nestjs/common';
import { type AutomationAccountEvent, automationAccountStream } from '@app/domain';
import { EventStore } from '@app/eventstore';
import { toDomainEvent } from '@app/infrastructure';
import { Vault } from '@app/vault';
import { PinterestOperationFailed } from './business-reader.port';

/** The automation account's login: email from its events, password from the vault. */
@Injectable()
export class AutomationLogins {
  constructor(
    private readonly events: EventStore,
    private readonly vault: Vault,
  ) {}

  /** The account's id when it belongs to this workspace; otherwise `missing(id)` is thrown. */
  async requireInWorkspace(
    workspaceId: string,
    accountId: string,
    missing: (id: string) => Error,
  ): Promise<string> {
    const [first] = await this.events.readStream(automationAccountStream(accountId), {
      maxCount: 1,
    });
    if (!first || first.metadata.workspaceId !== workspaceId) throw missing(accountId);
    return accountId;
  }

  async loginOf(
    workspaceId: string,
    accountId: string,
  ): Promise<{ email: string; password: string }> {
    let email = '';
    let passwordRef: string | null = null;
    for (const e of await this.events.readStream(automationAccountStream(accountId))) {
      const event = toDomainEvent(e) as AutomationAccountEvent;
      if (
        event.type === 'AutomationAccountAdded' ||
        event.type === 'AutomationAccountCredentialsChanged'
      ) {
        email = event.data.email;
        passwordRef = event.data.passwordRef;
      }
    }
    if (!passwordRef) {
      throw new PinterestOperationFailed({
        kind: 'invalid_credentials',
        retryable: false,
        message: 'the automation account has no password: connect it first',
        evidence: [],
      });
    }
    return { email, password: await this.vault.get(passwordRef, workspaceId) };
  }
}
