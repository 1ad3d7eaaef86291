import type { DomainEvent } from '../shared/decider';

/**
 * An admin applied the deprovision report: each member in `memberIds` is removed by the
 * removal saga as the task at the same index of `taskIds`. `confirmMassRemoval` is true when
 * the admin (`appliedBy`) let it pass the safeguard.
 */
export type DeprovisionReportApplied = DomainEvent<
  'DeprovisionReportApplied',
  {
    integrationId: string;
    applyId: string;
    memberIds: string[];
    taskIds: string[];
    confirmMassRemoval: boolean;
    appliedBy: string;
  }
>;

/**
 * The pending leavers in `memberIds` were announced by the notification `notificationId`;
 * `delivered` is false when it stayed in the outbox (no one was told).
 */
export type DeprovisionReportAnnounced = DomainEvent<
  'DeprovisionReportAnnounced',
  { integrationId: string; memberIds: string[]; notificationId: string; delivered: boolean }
>;

/** An apply's removals all ended: the check `taskId` was asked for to prove them. */
export type DeprovisionVerificationRequested = DomainEvent<
  'DeprovisionVerificationRequested',
  { integrationId: string; applyId: string; taskId: string }
>;

export type DeprovisionEvent =
  DeprovisionReportApplied | DeprovisionReportAnnounced | DeprovisionVerificationRequested;

export const DEPROVISION_EVENT_TYPES: readonly DeprovisionEvent['type'][] = [
  'DeprovisionReportApplied',
  'DeprovisionReportAnnounced',
  'DeprovisionVerificationRequested',
];

export const DEPROVISION_REPORT_CATEGORY = 'deprovisionReport';
export const deprovisionReportStream = (integrationId: string): string =>
  `${DEPROVISION_REPORT_CATEGORY}-${integrationId}`;
