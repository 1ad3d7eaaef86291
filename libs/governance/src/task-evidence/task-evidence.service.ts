import { readFile, realpath, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Environment } from '@app/config';
import { automationTaskStream, NotFound } from '@app/domain';
import { EventStore } from '@app/eventstore';
import type { Caller } from '../access/access.service';
import { IntegrationsService } from '../integrations/integrations.service';
import { type EvidenceEntry, evidenceEntries } from './task-evidence';

export interface EvidenceFile {
  name: string;
  contentType: string;
  bytes: number;
}

/**
 * The screenshots, traces and pages a task kept when it failed, read from the task's own
 * stream (every retry's failure, not only the last one the read model holds). Only files
 * under DATA_DIR/evidence are served: a recorded path is data, not a licence to read the disk.
 */
@Injectable()
export class TaskEvidence {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly events: EventStore,
    private readonly env: Environment,
  ) {}

  private async entries(caller: Caller, taskId: string): Promise<EvidenceEntry[]> {
    // 404 for a task of another workspace, as for one that does not exist.
    await this.integrations.task(caller, taskId);
    const paths: string[] = [];
    for (const event of await this.events.readStream(automationTaskStream(taskId))) {
      const failure = (event.data as { failure?: { evidence?: unknown } }).failure;
      if (Array.isArray(failure?.evidence)) {
        for (const p of failure.evidence) if (typeof p === 'string') paths.push(p);
      }
    }
    return evidenceEntries(paths);
  }

  private async inEvidenceDir(path: string): Promise<string | null> {
    try {
      const root = await realpath(resolve(this.env.DATA_DIR, 'evidence'));
      const real = await realpath(resolve(path));
      return real.startsWith(root + sep) ? real : null;
    } catch {
      return null;
    }
  }

  async list(caller: Caller, taskId: string): Promise<{ items: EvidenceFile[] }> {
    const items: EvidenceFile[] = [];
    for (const entry of await this.entries(caller, taskId)) {
      const real = await this.inEvidenceDir(entry.path);
      if (!real) continue;
      const info = await stat(real).catch(() => null);
      if (info?.isFile()) {
        items.push({ name: entry.name, contentType: entry.contentType, bytes: info.size });
      }
    }
    return { items };
  }

  async read(
    caller: Caller,
    taskId: string,
    name: string,
  ): Promise<{ contentType: string; bytes: Buffer }> {
    const entry = (await this.entries(caller, taskId)).find((e) => e.name === name);
    const real = entry ? await this.inEvidenceDir(entry.path) : null;
    const bytes = real ? await readFile(real).catch(() => null) : null;
    if (!entry || !bytes) {
      throw new NotFound(`automation task ${taskId} has no evidence named ${name}`);
    }
    return { contentType: entry.contentType, bytes };
  }
}
