import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
  type Provider,
} from '@nestjs/common';
import { Environment } from '@app/config';
import { EventStore } from '@app/eventstore';
import { READ_MODEL_STORE, WORKER_ORDER, WorkerLease } from '@app/infrastructure';
import { createMailTransport, MailTransport } from '@app/mail';
import { DurableConsumerRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';
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
export class NotificationProcesses implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly runners: DurableConsumerRunner[];

  constructor(
    events: EventStore,
    @Inject(READ_MODEL_STORE) readModels: ReadModelStore,
    delivery: NotificationDeliveryProcess,
    announcements: DeprovisionAnnouncementProcess,
    private readonly mail: MailTransport,
    @Inject(RUN_NOTIFICATIONS) private readonly run: boolean,
    @Optional() private readonly lease?: WorkerLease,
  ) {
    const logger = new Logger('Notifications');
    const log = { log: (m: string) => logger.log(m), error: (m: string) => logger.error(m) };
    this.runners = [delivery, announcements].map(
      (c) => new DurableConsumerRunner(events, readModels, c, log),
    );
    lease?.register(WORKER_ORDER.processManagers, {
      name: 'notifications',
      start: () => this.runners.forEach((runner) => runner.start()),
      stop: async () => void (await Promise.all(this.runners.map((r) => r.stop()))),
    });
  }

  onApplicationBootstrap(): void {
    if (this.run && !this.lease) for (const runner of this.runners) runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    await this.mail.close();
  }

  runner(name: string): DurableConsumerRunner {
    const runner = this.runners.find((r) => r.consumer.name === name);
    if (!runner) throw new Error(`no notification process ${name}`);
    return runner;
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
