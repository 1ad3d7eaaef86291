// PLACEHOLDER (i8-notify): core's index.ts replaces this.
export * from './deprovision-report.projection';
