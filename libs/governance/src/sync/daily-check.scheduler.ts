import { randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { Environment } from '@app/config';
import { WORKER_ORDER, WorkerLease } from '@app/infrastructure';
import { IntegrationsService } from '../integrations/integrations.service';

const JOB = 'daily-check-for-updates';

/** The workspace policy: every connected integration is checked on CHECK_CRON (daily by default). */
@Injectable()
export class DailyCheckScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DailyCheck');

  constructor(
    private readonly env: Environment,
    private readonly registry: SchedulerRegistry,
    private readonly integrations: IntegrationsService,
    @Optional() private readonly lease?: WorkerLease,
  ) {
    // Under the worker lease the check is scheduled only in the process that holds it.
    lease?.register(WORKER_ORDER.scheduler, {
      name: 'daily check',
      start: () => this.schedule(),
      stop: () => this.unschedule(),
    });
  }

  onApplicationBootstrap(): void {
    if (!this.lease) this.schedule();
  }

  onApplicationShutdown(): void {
    this.unschedule();
  }

  private schedule(): void {
    if (this.registry.doesExist('cron', JOB)) return;
    const job = CronJob.from({
      cronTime: this.env.CHECK_CRON,
      onTick: () => void this.runOnce(),
      start: true,
    });
    this.registry.addCronJob(JOB, job);
  }

  private unschedule(): void {
    if (this.registry.doesExist('cron', JOB)) this.registry.deleteCronJob(JOB);
  }

  async runOnce(): Promise<string[]> {
    const taskIds: string[] = [];
    for (const integration of await this.integrations.allConnected()) {
      try {
        const caller = {
          workspaceId: integration.workspaceId,
          actor: 'workspace-policy',
          credentialId: 'scheduler',
          correlationId: randomUUID(),
        };
        const { taskId } = await this.integrations.checkForUpdates(
          caller,
          integration.id,
          'workspace_policy',
        );
        taskIds.push(taskId);
      } catch (error) {
        this.logger.error(
          `daily check of ${integration.id} not queued: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return taskIds;
  }
}
