export * from './deprovision-report.projection';
export * from './deprovision.service';
export * from './deprovision-apply.process';
export * from './leavers.process';
export * from './deprovision.controller';
