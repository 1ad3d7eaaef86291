export * from './workspace-settings.events';
export * from './workspace-settings.decider';
