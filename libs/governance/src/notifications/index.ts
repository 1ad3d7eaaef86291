export * from './notifications.projection';
export * from './notifications.service';
export * from './notification-delivery.process';
export * from './deprovision-announcement.process';
export * from './deprovision-announcement.message';
export * from './notifications.providers';
