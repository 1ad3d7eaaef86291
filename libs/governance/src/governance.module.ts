import { join } from 'node:path';
import { DynamicModule, Inject, Injectable, Module, Optional, type Provider } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Environment } from '@app/config';
import { EventStore } from '@app/eventstore';
import { READ_MODEL_STORE, WorkerLease } from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import { AccessModule } from './access/access.module';
import { ApiKeysController, ScimTokensController } from './access/keys.controller';
import { MeController } from './access/me.controller';
import { ConsumerGroup } from './consumer-group';
import {
  ACTION_RETRY_POLICY,
  type ActionRetryPolicy,
  defaultActionRetryPolicy,
  MemberActionsProcess,
} from './actions/member-actions.process';
import {
  AutomationAccountConnectController,
  MemberActionsController,
} from './actions/member-actions.controller';
import { MemberActionsService } from './actions/member-actions.service';
import { DeprovisionApplyProcess } from './deprovision/deprovision-apply.process';
import { DeprovisionReportController } from './deprovision/deprovision.controller';
import { DeprovisionService } from './deprovision/deprovision.service';
import { LeaversProcess } from './deprovision/leavers.process';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { EvidenceExports } from './audit/exports/evidence-exports.service';
import { ExportsController } from './audit/exports/exports.controller';
import { DirectoryModule } from './directory/directory.module';
import { ErasureScrubbersModule } from './erasure/scrubbers.module';
import { TaskFailureResolver } from './erasure/task-failure.resolver';
import { ErasureModule } from './erasure/erasure.module';
import { ExpiryScheduler } from './expiries/expiry.scheduler';
import { GuestSponsorProcess } from './guests/guest-sponsor.process';
import { GuestsController } from './guests/guests.controller';
import { GuestsService } from './guests/guests.service';
import {
  notificationControllers,
  type NotificationOptions,
  notificationProviders,
} from './notifications/notifications.providers';
import { AutomationLogins } from './sync/automation-logins';
import {
  BUSINESS_ACTIONS,
  BUSINESS_READER,
  PINTEREST_AUTHORIZER,
} from './sync/business-reader.port';
import {
  AutomationAccountsController,
  AutomationTasksController,
  IntegrationsController,
  OAuthCallbackController,
} from './integrations/integrations.controller';
import { IntegrationsService } from './integrations/integrations.service';
import { TaskEventsQuery } from './replay/task-events.query';
import { TaskEvidenceController } from './task-evidence/task-evidence.controller';
import { TaskEvidence } from './task-evidence/task-evidence.service';
import { MembersQuery } from './integrations/members.query';
import {
  AccessItemResolver,
  AutomationTaskResolver,
  IntegrationsResolver,
  MemberResolver,
  ReportItemResolver,
} from './graphql/integrations.resolver';
import { MemberActionsResolver } from './graphql/member-actions.resolver';
import {
  CHECK_RETRY_POLICY,
  CheckForUpdatesProcess,
  type CheckRetryPolicy,
  defaultCheckRetryPolicy,
} from './sync/check-for-updates.process';
import { DailyCheckScheduler } from './sync/daily-check.scheduler';
import { IdentityCandidates } from './sync/identity-candidates';
import { IdentityMatchingProcess } from './sync/identity-matching.process';
import { SnapshotImporter } from './sync/snapshot-importer';
import { FileSnapshotStore, SNAPSHOT_STORE } from './sync/snapshot-store';
import { TaskRecorder } from './sync/task-recorder';

const RUN_WORKERS = Symbol('RunWorkers');

/** Where the file adapter keeps check snapshots: DATA_DIR/snapshots. */
export const snapshotsDir = (dataDir: string): string => join(dataDir, 'snapshots');

/** Runs the process managers from the store, each with its own checkpoint. */
@Injectable()
export class ProcessManagers extends ConsumerGroup {
  constructor(
    events: EventStore,
    @Inject(READ_MODEL_STORE) readModels: ReadModelStore,
    check: CheckForUpdatesProcess,
    matching: IdentityMatchingProcess,
    actions: MemberActionsProcess,
    guestSponsors: GuestSponsorProcess,
    leavers: LeaversProcess,
    deprovisionApply: DeprovisionApplyProcess,
    @Inject(RUN_WORKERS) run: boolean,
    @Optional() lease?: WorkerLease,
  ) {
    super(
      events,
      readModels,
      [check, matching, actions, guestSponsors, leavers, deprovisionApply],
      { logger: 'ProcessManagers', leaseName: 'sagas', kind: 'process manager', run },
      lease,
    );
  }
}

export interface GovernanceOptions {
  /** Run the process managers and the daily check in this process (the worker's job). */
  runWorkers: boolean;
  /**
   * The BUSINESS_READER provider; when absent, a global module must export BUSINESS_READER
   * (the API's PinterestModule does).
   */
  businessReader?: Provider;
  checkRetryPolicy?: CheckRetryPolicy;
  /** Retries and concurrency of member actions on Pinterest (default: 5 attempts, RPA_CONCURRENCY). */
  actionRetryPolicy?: ActionRetryPolicy;
  /** Mail delivery retries and announcement waits (defaults: see notifications.providers). */
  notifications?: Omit<NotificationOptions, 'runWorkers'>;
}

@Module({})
export class GovernanceModule {
  static forRoot(options: GovernanceOptions): DynamicModule {
    return {
      module: GovernanceModule,
      imports: [
        AccessModule,
        DirectoryModule,
        ErasureScrubbersModule,
        ErasureModule,
        ScheduleModule.forRoot(),
      ],
      controllers: [
        IntegrationsController,
        AutomationAccountsController,
        AutomationTasksController,
        TaskEvidenceController,
        MemberActionsController,
        AutomationAccountConnectController,
        GuestsController,
        DeprovisionReportController,
        ...notificationControllers,
        AuditController,
        ExportsController,
        OAuthCallbackController,
        ApiKeysController,
        ScimTokensController,
        MeController,
      ],
      providers: [
        { provide: RUN_WORKERS, useValue: options.runWorkers },
        {
          provide: CHECK_RETRY_POLICY,
          useValue: options.checkRetryPolicy ?? defaultCheckRetryPolicy,
        },
        {
          provide: ACTION_RETRY_POLICY,
          inject: [Environment],
          useFactory: (env: Environment) =>
            options.actionRetryPolicy ?? defaultActionRetryPolicy(env.RPA_CONCURRENCY),
        },
        // One Pinterest client answers both ports unless the app provides its own.
        { provide: BUSINESS_ACTIONS, useExisting: BUSINESS_READER },
        { provide: PINTEREST_AUTHORIZER, useExisting: BUSINESS_READER },
        MemberActionsService,
        MemberActionsProcess,
        AutomationLogins,
        ...(options.businessReader ? [options.businessReader] : []),
        IntegrationsService,
        MembersQuery,
        TaskEventsQuery,
        TaskEvidence,
        AuditService,
        EvidenceExports,
        TaskRecorder,
        SnapshotImporter,
        {
          provide: SNAPSHOT_STORE,
          inject: [Environment],
          useFactory: (env: Environment) => new FileSnapshotStore(snapshotsDir(env.DATA_DIR)),
        },
        IdentityCandidates,
        CheckForUpdatesProcess,
        IdentityMatchingProcess,
        GuestsService,
        GuestSponsorProcess,
        LeaversProcess,
        DeprovisionApplyProcess,
        DeprovisionService,
        ProcessManagers,
        // GraphQL's resolvers (served when the app imports GraphqlApiModule).
        IntegrationsResolver,
        AutomationTaskResolver,
        MemberResolver,
        AccessItemResolver,
        ReportItemResolver,
        MemberActionsResolver,
        TaskFailureResolver,
        ...notificationProviders({ runWorkers: options.runWorkers, ...options.notifications }),
        ...(options.runWorkers ? [DailyCheckScheduler, ExpiryScheduler] : []),
      ],
      exports: [
        IntegrationsService,
        SnapshotImporter,
        ProcessManagers,
        AccessModule,
        AuditService,
        EvidenceExports,
        ErasureScrubbersModule,
      ],
    };
  }
}
