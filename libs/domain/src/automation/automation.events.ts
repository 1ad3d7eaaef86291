import type { DomainEvent } from '../shared/decider';
import type { TaskTrigger } from '../integration/integration.events';

export type TaskKind = 'syncing_users' | 'removing_users' | 'adding_users' | 'updating_user_roles';
export type TaskStatus = 'queued' | 'running' | 'retrying' | 'not_completed' | 'completed';

export interface CheckSummary {
  membersAdded: number;
  membersChanged: number;
  membersGone: number;
  membersMatched: number;
  assets: number;
  partners: number;
  invites: number;
}

/**
 * Why a check read Pinterest and still did not complete: the snapshot was not known to be
 * whole (`partial_snapshot`), or it would record too many departures at once (`safeguard`).
 */
export type CheckStopKind = 'partial_snapshot' | 'safeguard';

export interface TaskFailure {
  /**
   * The gateway's error kind (invalid_credentials, transient, permission_denied, …), or a
   * CheckStopKind when the check read Pinterest but stopped short of recording departures.
   */
  kind: string;
  message: string;
  evidence: string[];
  /** What the check did record before it stopped (a CheckStopKind only). */
  summary?: CheckSummary;
  /** The numbers behind a CheckStopKind, e.g. how many members it would record as gone. */
  details?: Record<string, number | string | string[]>;
}

/**
 * Where the snapshot a check read is kept: the sha256 and length in bytes of its canonical JSON
 * (the file itself is that JSON gzip-compressed, named by the sha256). Content, not location:
 * the same reference stays valid when the files move to another store.
 */
export interface SnapshotRef {
  sha256: string;
  bytes: number;
}

export type AutomationTaskQueued = DomainEvent<
  'AutomationTaskQueued',
  {
    taskId: string;
    integrationId: string;
    kind: TaskKind;
    trigger: TaskTrigger;
    requestedBy: string;
  }
>;
export type AutomationTaskStarted = DomainEvent<
  'AutomationTaskStarted',
  { taskId: string; attempt: number }
>;
export type AutomationTaskProgressed = DomainEvent<
  'AutomationTaskProgressed',
  { taskId: string; done: number; total: number }
>;
export type AutomationTaskRetrying = DomainEvent<
  'AutomationTaskRetrying',
  {
    taskId: string;
    attempt: number;
    failure: TaskFailure;
    retryAt: string;
    /** The snapshot this attempt read, when it got as far as reading one. */
    snapshot?: SnapshotRef;
  }
>;
export type AutomationTaskCompleted = DomainEvent<
  'AutomationTaskCompleted',
  {
    taskId: string;
    summary: CheckSummary | Record<string, unknown>;
    /** The snapshot the last attempt read and imported (a check only). */
    snapshot?: SnapshotRef;
  }
>;
export type AutomationTaskNotCompleted = DomainEvent<
  'AutomationTaskNotCompleted',
  {
    taskId: string;
    attempts: number;
    failure: TaskFailure;
    /** The snapshot the last attempt read, when it read one (a check only). */
    snapshot?: SnapshotRef;
  }
>;

export type AutomationTaskEvent =
  | AutomationTaskQueued
  | AutomationTaskStarted
  | AutomationTaskProgressed
  | AutomationTaskRetrying
  | AutomationTaskCompleted
  | AutomationTaskNotCompleted;

export const automationTaskStream = (taskId: string): string => `automationTask-${taskId}`;

/** The account the service logs in with; its password lives in the vault, only the ref here. */
export type AutomationAccountAdded = DomainEvent<
  'AutomationAccountAdded',
  {
    accountId: string;
    label: string;
    email: string;
    phone: string | null;
    passwordRef: string | null;
  }
>;
export type AutomationAccountCredentialsChanged = DomainEvent<
  'AutomationAccountCredentialsChanged',
  { accountId: string; email: string; passwordRef: string }
>;
export type AutomationAccountLoginSucceeded = DomainEvent<
  'AutomationAccountLoginSucceeded',
  { accountId: string }
>;
export type AutomationAccountLoginFailed = DomainEvent<
  'AutomationAccountLoginFailed',
  { accountId: string; reason: string }
>;

/**
 * New credentials that did not log in: nothing about the account changed (its credentials in
 * force, if any, stay; its login status stays), the attempt is only on the record.
 */
export type AutomationAccountCredentialsRefused = DomainEvent<
  'AutomationAccountCredentialsRefused',
  { accountId: string; reason: string; keptPreviousCredentials: boolean }
>;

export type AutomationAccountEvent =
  | AutomationAccountAdded
  | AutomationAccountCredentialsChanged
  | AutomationAccountLoginSucceeded
  | AutomationAccountLoginFailed
  | AutomationAccountCredentialsRefused;

export const automationAccountStream = (accountId: string): string =>
  `automationAccount-${accountId}`;
