// PLACEHOLDER (i8-notify): core's index.ts replaces this; keep the announcement decider's export.
export * from './deprovision.events';
export * from './deprovision-announcement.decider';
