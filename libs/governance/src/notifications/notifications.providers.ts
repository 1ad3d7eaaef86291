import { Inject, Injectable, Logger, Optional, type Provider } from '@nestjs/common';
import { Environment } from '@app/config';
import { EventStore } from '@app/eventstore';
import { READ_MODEL_STORE, WorkerLease } from '@app/infrastructure';
import { createMailTransport, MailTransport } from '@app/mail';
import type { ReadModelStore } from '@app/readmodels';
import { ConsumerGroup } from '../consumer-group';
import {
  ANNOUNCEMENT_TIMING,
  type AnnouncementTiming,
  DeprovisionAnnouncementProcess,
  defaultAnnouncementTiming,
} from './deprovision-announcement.process';
import {
  defaultMailRetryPolicy,
  MAIL_RETRY_POLICY,
  type MailRetryPolicy,
  NotificationDeliveryProcess,
} from './notification-delivery.process';
import {
  NotificationSettingsController,
  NotificationsController,
} from './notifications.controller';
import { NotificationsService } from './notifications.service';

const RUN_NOTIFICATIONS = Symbol('RunNotifications');

/**
 * The notification sagas (delivery, leaver announcements), each with its own checkpoint, run
 * like the other process managers: under the worker lease, in the process that holds it.
 */
@Injectable()
export class NotificationProcesses extends ConsumerGroup {
  constructor(
    events: EventStore,
    @Inject(READ_MODEL_STORE) readModels: ReadModelStore,
    delivery: NotificationDeliveryProcess,
    announcements: DeprovisionAnnouncementProcess,
    private readonly mail: MailTransport,
    @Inject(RUN_NOTIFICATIONS) run: boolean,
    @Optional() lease?: WorkerLease,
  ) {
    super(
      events,
      readModels,
      [delivery, announcements],
      { logger: 'Notifications', leaseName: 'notifications', kind: 'notification process', run },
      lease,
    );
  }

  override async onApplicationShutdown(): Promise<void> {
    await super.onApplicationShutdown();
    await this.mail.close();
  }
}

export interface NotificationOptions {
  runWorkers: boolean;
  /** Attempts of a delivery and the waits between them (default: 3, 1 s then 2 s). */
  mailRetryPolicy?: MailRetryPolicy;
  announcementTiming?: AnnouncementTiming;
}

export const notificationControllers = [NotificationSettingsController, NotificationsController];

export function notificationProviders(options: NotificationOptions): Provider[] {
  return [
    { provide: RUN_NOTIFICATIONS, useValue: options.runWorkers },
    { provide: MAIL_RETRY_POLICY, useValue: options.mailRetryPolicy ?? defaultMailRetryPolicy },
    {
      provide: ANNOUNCEMENT_TIMING,
      useValue: options.announcementTiming ?? defaultAnnouncementTiming,
    },
    {
      provide: MailTransport,
      inject: [Environment],
      useFactory: (env: Environment) => {
        const transport = createMailTransport(env);
        // The description never holds the SMTP password.
        new Logger('Notifications').log(`mail goes to ${transport.description}`);
        return transport;
      },
    },
    NotificationsService,
    NotificationDeliveryProcess,
    DeprovisionAnnouncementProcess,
    NotificationProcesses,
  ];
}
