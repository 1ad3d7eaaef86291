import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { EvidenceExportRequested } from '@app/domain';
import type { EventStore } from '@app/eventstore';
import type { AuditService } from '../audit/audit.service';
import { computeExport } from '../audit/exports/evidence-exports.service';
import type { ExportHeader } from '../audit/exports/export-encoding';
import { mentions } from './masking';
import type { ErasedPerson, ErasureScrubber, ScrubReport } from './scrubber';

/** Where an erased export's mark is kept: DATA_DIR/erasure/exports/<exportId>.json. */
export const erasedExportsDir = (dataDir: string): string => join(dataDir, 'erasure', 'exports');

export interface ExportErasure {
  exportId: string;
  erasedAt: string;
  personIds: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function readExportErasure(
  dataDir: string,
  exportId: string,
): Promise<ExportErasure | null> {
  if (!UUID.test(exportId)) return null;
  try {
    return JSON.parse(
      await fs.readFile(join(erasedExportsDir(dataDir), `${exportId}.json`), 'utf8'),
    ) as ExportErasure;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * An export's bytes are never stored: they are recomputed from the log and checked against
 * the sha256 its event recorded. An export that held the erased person can no longer be
 * reproduced (the person now reads `erased-<personId>`), so it is deleted in the only sense
 * left: marked erased, with when, and no longer served; its metadata stays. Which exports
 * held the person is decided by recomputing each one and searching it for the person's
 * email, names or token, so the audit read models must be whole when this runs (before the
 * keys are destroyed, or once the rebuild has caught up). Only the exports of the person's
 * workspace are looked at.
 */
export class ExportsScrubber implements ErasureScrubber {
  constructor(
    private readonly dataDir: string,
    private readonly events: EventStore,
    private readonly audit: AuditService,
  ) {}

  async scrub(person: ErasedPerson): Promise<ScrubReport> {
    let removed = 0;
    for await (const e of this.events.readAll({
      filter: { categories: ['export'], eventTypes: ['EvidenceExportRequested'] },
    })) {
      // Another workspace's export: the same email there is another person.
      if (e.metadata.workspaceId !== person.workspaceId) continue;
      const d = e.data as EvidenceExportRequested['data'];
      const header: ExportHeader = {
        kind: d.kind,
        params: d.params,
        format: d.format,
        formatVersion: d.formatVersion,
        position: d.position,
        workspaceId: e.metadata.workspaceId,
      };
      const existing = await readExportErasure(this.dataDir, d.exportId);
      if (existing?.personIds.includes(person.personId)) continue;
      const bytes = await computeExport(this.audit, header);
      if (!mentions(bytes.toString('utf8'), person)) continue;
      const erasure: ExportErasure = {
        exportId: d.exportId,
        erasedAt: existing?.erasedAt ?? new Date().toISOString(),
        personIds: [...new Set([...(existing?.personIds ?? []), person.personId])].sort(),
      };
      const dir = erasedExportsDir(this.dataDir);
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const file = join(dir, `${d.exportId}.json`);
      await fs.writeFile(`${file}.tmp`, JSON.stringify(erasure), { mode: 0o600 });
      await fs.rename(`${file}.tmp`, file);
      removed += 1;
    }
    return { copy: 'exports', removed };
  }
}
