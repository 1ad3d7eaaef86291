export * from './task-evidence';
export * from './task-evidence.service';
export * from './task-evidence.controller';
