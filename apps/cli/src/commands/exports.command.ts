import { readFileSync } from 'node:fs';
import { HttpException } from '@nestjs/common';
import type { EventStore, Position } from '@app/eventstore';
import {
  AUDIT_POSITIONS,
  auditProjection,
  AuditService,
  compareLinesMasked,
  computeExport,
  parseExportHeader,
  sha256OfExport,
} from '@app/governance';
import type { ProjectionRunner } from '@app/projections';
import type { ReadModelStore } from '@app/readmodels';

/**
 * `exports verify FILE`: recomputes the export its header names from the log and compares
 * every byte. Exit 0 when identical, 1 on any difference (or a file without a header).
 * After an erasure the log shows the person as `erased-<personId>`: a file that differs only
 * where the recomputation shows an erased person is reported erased (exit 0, the rest
 * verified), never tampered.
 */
export async function exportsVerifyCommand(
  events: EventStore,
  readModels: ReadModelStore,
  runner: ProjectionRunner,
  file: string,
  out: (line: string) => void,
): Promise<number> {
  const given = readFileSync(file);
  const header = parseExportHeader(given);
  if (!header) {
    out(`${file}: no evidence export header on the first line`);
    return 1;
  }
  // The audit projection may be behind when the service is not running: bring it up to the
  // export's position (a no-op when the service already has).
  if (
    header.position !== null &&
    !(await readModels.collection(AUDIT_POSITIONS).get(header.position))
  ) {
    await runner.catchUp(auditProjection);
  }
  let expected: Buffer;
  try {
    expected = await computeExport(new AuditService(readModels, events), header);
  } catch (error) {
    if (error instanceof HttpException) {
      out(`${file}: cannot be recomputed: ${JSON.stringify(error.getResponse())}`);
      return 1;
    }
    throw error;
  }
  if (expected.equals(given)) {
    out(
      `${file}: verified (${given.length} bytes, sha256 ${sha256OfExport(given)}, ` +
        `${header.kind} at position ${header.position as Position | null})`,
    );
    return 0;
  }
  const masked = compareLinesMasked(expected.toString('utf8'), given.toString('utf8'));
  if (masked.equal) {
    out(
      `${file}: ERASED, otherwise verified: ${masked.maskedLines} line(s) differ only where the log ` +
        `now shows ${masked.erased.join(', ')} (erased people, compared masked); every other byte matches ` +
        `(${header.kind} at position ${header.position as Position | null})`,
    );
    return 0;
  }
  const length = Math.min(expected.length, given.length);
  let at = 0;
  while (at < length && expected[at] === given[at]) at++;
  const line = given.subarray(0, at).toString('utf8').split('\n').length;
  out(
    `${file}: DIFFERS from the log at byte ${at} (line ${line}); ` +
      `file ${given.length} bytes sha256 ${sha256OfExport(given)}, ` +
      `recomputed ${expected.length} bytes sha256 ${sha256OfExport(expected)}`,
  );
  return 1;
}
