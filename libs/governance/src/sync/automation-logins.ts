import { Injectable } from '@nestjs/common';
import {
  automationAccountDecider,
  type AutomationAccountEvent,
  automationAccountStream,
  fold,
} from '@app/domain';
import { EventStore } from '@app/eventstore';
import { toDomainEvent } from '@app/infrastructure';
import { Vault } from '@app/vault';
import type { IntegrationState } from '@app/domain';
import { type PinterestLogin, PinterestOperationFailed } from './business-reader.port';

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

  /**
   * How this integration reaches Pinterest: its app's authorization (API connector), else its
   * automation account's login. Secrets come out of the vault for this call only.
   */
  async forIntegration(
    workspaceId: string,
    integration: IntegrationState,
  ): Promise<PinterestLogin> {
    if (integration.connector === 'api') {
      const oauth = integration.oauth;
      if (!oauth?.refreshTokenRef || !integration.integrationId) {
        throw new PinterestOperationFailed({
          kind: 'authorization',
          retryable: false,
          message: 'the app is not authorized yet: start the authorization on the integration',
          evidence: [],
        });
      }
      const [clientId, clientSecret, refreshToken] = await Promise.all([
        this.vault.get(oauth.clientIdRef, workspaceId),
        this.vault.get(oauth.clientSecretRef, workspaceId),
        this.vault.get(oauth.refreshTokenRef, workspaceId),
      ]);
      return {
        connector: 'api',
        key: integration.integrationId,
        clientId,
        clientSecret,
        refreshToken,
      };
    }
    if (!integration.automationAccountId) {
      throw new PinterestOperationFailed({
        kind: 'integration_disconnected',
        retryable: false,
        message: 'the integration has no automation account',
        evidence: [],
      });
    }
    return this.loginOf(workspaceId, integration.automationAccountId);
  }

  async loginOf(
    workspaceId: string,
    accountId: string,
  ): Promise<{ email: string; password: string }> {
    const { email, passwordRef } = fold(
      automationAccountDecider,
      (await this.events.readStream(automationAccountStream(accountId))).map(
        (e) => toDomainEvent(e) as AutomationAccountEvent,
      ),
    );
    if (!passwordRef) {
      throw new PinterestOperationFailed({
        kind: 'invalid_credentials',
        retryable: false,
        message: 'the automation account has no password: connect it first',
        evidence: [],
      });
    }
    return { email: email ?? '', password: await this.vault.get(passwordRef, workspaceId) };
  }
}
