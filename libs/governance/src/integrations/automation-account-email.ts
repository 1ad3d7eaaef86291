import {
  automationAccountDecider,
  automationAccountStream,
  integrationDecider,
  integrationStream,
} from '@app/domain';
import type { CommandExecutor } from '@app/infrastructure';

/**
 * The email the integration logs in to Pinterest with, read from its automation account's
 * stream (the source of truth, never behind like a read model): the member decider keeps that
 * member's access, so every caller must see the same account.
 */
export async function automationAccountEmailOf(
  commands: CommandExecutor,
  integrationId: string,
): Promise<string | null> {
  const { state } = await commands.load(integrationStream(integrationId), integrationDecider);
  if (!state.automationAccountId) return null;
  const account = await commands.load(
    automationAccountStream(state.automationAccountId),
    automationAccountDecider,
  );
  return account.state.email;
}
