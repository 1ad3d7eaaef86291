// PLACEHOLDER (i8-notify): the deprovision events belong to the "core" part of issue 8. This file
// holds only what the announcement needs, under core's names; core's file replaces it.
import type { DomainEvent } from '../shared/decider';

/**
 * The pending leavers in `memberIds` were announced by the notification `notificationId`;
 * `delivered` is false when it reached no one (no recipients, no mail server, or it failed).
 */
export type DeprovisionReportAnnounced = DomainEvent<
  'DeprovisionReportAnnounced',
  { integrationId: string; memberIds: string[]; notificationId: string; delivered: boolean }
>;

export type DeprovisionEvent = DeprovisionReportAnnounced;

export const DEPROVISION_REPORT_CATEGORY = 'deprovisionReport';
export const deprovisionReportStream = (integrationId: string): string =>
  `${DEPROVISION_REPORT_CATEGORY}-${integrationId}`;
