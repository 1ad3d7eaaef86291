// PLACEHOLDER (i8-notify): the deprovision events belong to the "core" part of issue 8; this file
// holds only what the announcement needs, with the agreed names, and is replaced by core's.
import type { DomainEvent } from '../shared/decider';

/**
 * The report's pending items `memberIds` were announced by the message `notificationId`;
 * `delivered: false` when it reached no one (no recipients, no mail server, or it failed).
 */
export type DeprovisionReportAnnounced = DomainEvent<
  'DeprovisionReportAnnounced',
  { integrationId: string; memberIds: string[]; notificationId: string; delivered: boolean }
>;

export type DeprovisionReportEvent = DeprovisionReportAnnounced;

export const deprovisionReportStream = (integrationId: string): string =>
  `deprovisionReport-${integrationId}`;
