import type { IntegrationEvent, IntegrationHealth } from './integration.events';

/** The app card's health and the words that explain it. */
export interface HealthStatus {
  health: IntegrationHealth;
  reason: string;
}

export const NEVER_CHECKED: HealthStatus = { health: 'requires_sync', reason: 'never checked' };
export const AWAITING_AUTHORIZATION: HealthStatus = {
  health: 'awaiting_authorization',
  reason: 'authorize the app on Pinterest to finish connecting',
};

/**
 * Health once the app's authorization is known: a scope it lacks is a configuration to
 * review, named; otherwise an integration that waited for it is ready for its first check.
 */
export function healthAfterAuthorization(
  current: HealthStatus,
  missingScopes: readonly string[],
): HealthStatus {
  if (missingScopes.length > 0) {
    return {
      health: 'review_configuration',
      reason: `the app was not granted the scope ${missingScopes.join(', ')}`,
    };
  }
  if (current.health === 'healthy' || current.health === 'requires_sync') return current;
  return { health: 'requires_sync', reason: 'app authorized; never checked since' };
}

/** A failure as a task records it: the gateway's kind (or a check's stop kind) and its words. */
export interface OutcomeFailure {
  kind: string;
  message: string;
}

export type CheckOutcome =
  { result: 'completed' } | { result: 'not_completed'; failure: OutcomeFailure };

/**
 * What a failure says about the integration itself, whatever was being done: the automation
 * account refused, or the business out of its reach. Other failures say nothing lasting.
 */
export function healthOfFailure(failure: OutcomeFailure): IntegrationHealth | null {
  switch (failure.kind) {
    // `authorization`: the app's authorization was revoked, or its token lacks a needed scope.
    case 'invalid_credentials':
    case 'challenge_required':
    case 'authorization':
      return 'review_service_account';
    case 'permission_denied':
    case 'business_not_found':
      return 'review_configuration';
    default:
      return null;
  }
}

/**
 * Health after a check: the last check decides, whatever came before. A check that did not
 * complete leaves the data behind Pinterest (requires_sync) unless its failure points at the
 * account or the configuration; one that completed makes the integration healthy again. A
 * check of a disconnected integration says nothing.
 */
export function healthAfterCheck(outcome: CheckOutcome): HealthStatus | null {
  if (outcome.result === 'completed') return { health: 'healthy', reason: 'check completed' };
  const { failure } = outcome;
  if (failure.kind === 'integration_disconnected') return null;
  return {
    health: healthOfFailure(failure) ?? 'requires_sync',
    reason: `last check not completed (${failure.kind}): ${failure.message}`,
  };
}

export type ActionOutcome = { result: 'completed' } | { result: 'failed'; failure: OutcomeFailure };

/**
 * Health after a member action on Pinterest. A failure that points at the account or the
 * configuration says so. A success proves the automation account reaches the business again,
 * which lifts a review_* health, but not to healthy: only a completed check shows the data is
 * current, so it asks for one. Other outcomes leave the health to the last check.
 */
export function healthAfterAction(
  current: HealthStatus,
  outcome: ActionOutcome,
): HealthStatus | null {
  if (outcome.result === 'failed') {
    const health = healthOfFailure(outcome.failure);
    return health ? { health, reason: outcome.failure.message } : null;
  }
  if (current.health === 'review_service_account' || current.health === 'review_configuration') {
    return {
      health: 'requires_sync',
      reason: 'an action reached the business again; check for updates to refresh the members',
    };
  }
  return null;
}

/** Folds the integration's events into its health: shared by the decider and the read model. */
export function evolveHealth(status: HealthStatus, event: IntegrationEvent): HealthStatus {
  switch (event.type) {
    case 'IntegrationConnected':
      return event.data.connector === 'api' && event.data.oauth?.refreshTokenRef === null
        ? AWAITING_AUTHORIZATION
        : NEVER_CHECKED;
    case 'IntegrationHealthChanged':
      return { health: event.data.to, reason: event.data.reason };
    default:
      return status;
  }
}
