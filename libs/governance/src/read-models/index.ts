export * from './members.projection';
export * from './integrations.projection';
export * from './automation-tasks.projection';
export * from './automation-accounts.projection';
export * from './assets.projection';
