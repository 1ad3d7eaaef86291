import { createHash, randomUUID } from 'node:crypto';
import { GoneException, Inject, Injectable } from '@nestjs/common';
import { Environment } from '@app/config';
import { type EvidenceExportRequested, exportDecider, exportStream, NotFound } from '@app/domain';
import { EventStore, type Position } from '@app/eventstore';
import { CommandExecutor, READ_MODEL_STORE } from '@app/infrastructure';
import type { ReadModelStore } from '@app/readmodels';
import { contextOf, type Caller } from '../../access/access.service';
import { AUDIT_POSITIONS } from '../audit.projection';
import { AuditService, badRequest, type LogPoint, type Tab } from '../audit.service';
import type { ExportKind } from '../audit.dto';
import { REPORT_STATUSES } from '../../deprovision/deprovision-report.projection';
import { readExportErasure } from '../../erasure/exports.scrubber';
import {
  encodeExport,
  EXPORT_FORMAT_VERSION,
  EXPORT_FORMAT_VERSIONS,
  type ExportFormat,
  type ExportHeader,
} from './export-encoding';

export interface ExportMetadata {
  id: string;
  kind: string;
  params: Record<string, string>;
  format: ExportFormat;
  formatVersion: number;
  position: string | null;
  sha256: string;
  bytes: number;
  createdAt: string;
  /** When an erasure deleted it (it held an erased person); null while it is served. */
  erasedAt: string | null;
}

/** The params each kind takes: required ones first. */
const PARAMS: Record<ExportKind, { required: string[]; optional: string[] }> = {
  member_history: { required: ['integrationId', 'memberId'], optional: [] },
  access_at: { required: ['integrationId'], optional: ['assetId'] },
  access_changes: { required: [], optional: ['integrationId', 'memberId', 'assetId', 'from'] },
  tab: { required: ['integrationId', 'tab'], optional: [] },
  deprovision_report: { required: ['integrationId'], optional: ['status'] },
};

const COLUMNS: Record<keyof typeof PARAMS, string[]> = {
  member_history: [
    'position',
    'recordedAt',
    'occurredAt',
    'type',
    'actor',
    'reason',
    'correlationId',
    'causationId',
    'summary',
    'data',
  ],
  access_at: [
    'memberId',
    'partnerId',
    'name',
    'email',
    'tab',
    'businessRole',
    'permissions',
    'since',
    'sincePosition',
    'sinceBy',
    'sinceHow',
  ],
  access_changes: [
    'position',
    'recordedAt',
    'occurredAt',
    'integrationId',
    'memberId',
    'type',
    'actor',
    'reason',
    'correlationId',
    'causationId',
    'summary',
    'data',
  ],
  tab: [
    'id',
    'pinterestUserId',
    'name',
    'email',
    'tab',
    'status',
    'businessRole',
    'assets',
    'matchedIdentity',
    'ambiguityCandidates',
    'exemption',
    'pendingAction',
    'invite',
    'lastFailure',
    'account',
    'removal',
    'discoveredAt',
    'updatedAt',
  ],
  deprovision_report: [
    'memberId',
    'name',
    'email',
    'identityId',
    'leftAt',
    'reason',
    'status',
    'blockedReason',
    'businessRole',
    'assets',
    'applyId',
    'removalTaskId',
    'removedAt',
    'verifiedAt',
    'verifiedRemovalSec',
    'lastError',
    'announcedAt',
  ],
};

/** Version 2 adds who was behind an actor that is a key, after `actor`. */
function columnsOf(kind: keyof typeof PARAMS, formatVersion: number): string[] {
  const columns = COLUMNS[kind];
  if (formatVersion < 2 || !columns.includes('actor')) return columns;
  const at = columns.indexOf('actor') + 1;
  return [...columns.slice(0, at), 'actorKeyId', 'actorPerson', ...columns.slice(at)];
}

const PAGE = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks an export's params against its kind: 400 naming `params.<name>`. */
export { parseHeader as parseExportHeader } from './export-encoding';

export function checkParams(kind: ExportKind, raw: Record<string, unknown> | undefined) {
  const spec = PARAMS[kind];
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (![...spec.required, ...spec.optional].includes(name))
      throw badRequest(`params.${name}`, `params.${name} is not a parameter of ${kind}`);
    if (typeof value !== 'string' || value.trim() === '' || value.length > 200)
      throw badRequest(`params.${name}`, `params.${name} must be a non-empty string`);
    params[name] = value.trim();
  }
  for (const name of spec.required) {
    if (params[name] === undefined)
      throw badRequest(`params.${name}`, `params.${name} is required for ${kind}`);
  }
  for (const name of ['integrationId', 'memberId']) {
    if (params[name] !== undefined && !UUID.test(params[name]))
      throw badRequest(`params.${name}`, `params.${name} must be a UUID`);
  }
  if (params.tab !== undefined && !['unmatched', 'onboarded', 'exempted'].includes(params.tab))
    throw badRequest('params.tab', 'params.tab must be unmatched, onboarded or exempted');
  if (
    params.status !== undefined &&
    !(REPORT_STATUSES as readonly string[]).includes(params.status)
  )
    throw badRequest('params.status', `params.status must be one of ${REPORT_STATUSES.join(', ')}`);
  return params;
}

/**
 * Computes an export's bytes from the audit projection at the header's position. Pure in the
 * log: the same header gives the same bytes whatever was appended after the position. Used by
 * the API and by `npm run cli -- exports verify`.
 */
export async function computeExport(audit: AuditService, header: ExportHeader): Promise<Buffer> {
  const kind = header.kind as keyof typeof PARAMS;
  if (!(kind in PARAMS)) throw badRequest('kind', `unknown export kind ${header.kind}`);
  if (!EXPORT_FORMAT_VERSIONS.includes(header.formatVersion))
    throw badRequest('formatVersion', `export format version ${header.formatVersion} is not known`);
  const point: LogPoint =
    header.position === null
      ? { at: '1970-01-01T00:00:00.000Z', position: null, seq: 0 }
      : await audit.pointOf(header.position);
  const p = header.params;
  const rows: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = { cursor, limit: PAGE };
    let next: string | null;
    switch (kind) {
      case 'member_history': {
        const r = await audit.memberHistoryAt(p.memberId, point, page);
        rows.push(...(r.items as unknown as Record<string, unknown>[]));
        next = r.nextCursor;
        break;
      }
      case 'access_at': {
        // Computed whole at once: the access list is built in memory, then paged.
        const r = await audit.accessAtPoint(p.integrationId, p.assetId ?? null, point, {
          limit: Number.MAX_SAFE_INTEGER,
        });
        rows.push(...(r.items as unknown as Record<string, unknown>[]));
        next = r.nextCursor;
        break;
      }
      case 'access_changes': {
        const from = p.from === undefined ? null : await audit.pointAt(p.from, 'params.from');
        const r = await audit.accessChangesBetween(header.workspaceId, p, from, point, page);
        rows.push(...(r.items as unknown as Record<string, unknown>[]));
        next = r.nextCursor;
        break;
      }
      case 'deprovision_report': {
        // Computed whole at once from the log at the point, then filtered like REST's ?status=.
        const all = await audit.reportAt(p.integrationId, point);
        rows.push(
          ...(all.filter(
            (r) => p.status === undefined || r.status === p.status,
          ) as unknown as Record<string, unknown>[]),
        );
        next = null;
        break;
      }
      case 'tab': {
        const r = await audit.tabAt(p.integrationId, p.tab as Tab, point, page);
        rows.push(...(r.items as unknown as Record<string, unknown>[]));
        next = r.nextCursor;
        break;
      }
    }
    cursor = next ?? undefined;
  } while (cursor);
  return encodeExport(header, columnsOf(kind, header.formatVersion), rows);
}

export const sha256OfExport = (bytes: Buffer): string => sha256Of(bytes);

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Evidence exports: requested (recorded as an event), described, and served byte for byte. */
@Injectable()
export class EvidenceExports {
  constructor(
    private readonly audit: AuditService,
    private readonly events: EventStore,
    private readonly commands: CommandExecutor,
    @Inject(READ_MODEL_STORE) private readonly readModels: ReadModelStore,
    private readonly env: Environment,
  ) {}

  async create(
    caller: Caller,
    body: {
      kind: ExportKind;
      params?: Record<string, unknown>;
      format: ExportFormat;
      position?: string;
    },
  ): Promise<ExportMetadata> {
    const params = checkParams(body.kind, body.params);
    if (params.integrationId) await this.audit.integration(caller, params.integrationId);
    const point =
      body.position !== undefined
        ? await this.audit.pointOf(body.position)
        : await this.headPoint();
    const header: ExportHeader = {
      kind: body.kind,
      params,
      format: body.format,
      formatVersion: EXPORT_FORMAT_VERSION,
      position: point.position,
      workspaceId: caller.workspaceId,
    };
    const bytes = await computeExport(this.audit, header);
    const exportId = randomUUID();
    const data: EvidenceExportRequested['data'] = {
      exportId,
      kind: header.kind,
      params,
      format: header.format,
      formatVersion: header.formatVersion,
      position: header.position,
      sha256: sha256Of(bytes),
      bytes: bytes.length,
    };
    await this.commands.execute(
      exportStream(exportId),
      exportDecider,
      { type: 'RequestExport', ...data },
      contextOf(caller),
    );
    return this.get(caller, exportId);
  }

  async get(caller: Pick<Caller, 'workspaceId'>, id: string): Promise<ExportMetadata> {
    const [recorded] = await this.events.readStream(exportStream(id), { maxCount: 1 });
    if (!recorded || recorded.metadata.workspaceId !== caller.workspaceId)
      throw new NotFound(`export ${id} not found`);
    const d = recorded.data as EvidenceExportRequested['data'];
    return {
      id: d.exportId,
      kind: d.kind,
      params: d.params,
      format: d.format,
      formatVersion: d.formatVersion,
      position: d.position,
      sha256: d.sha256,
      bytes: d.bytes,
      createdAt: recorded.metadata.occurredAt,
      erasedAt: (await readExportErasure(this.env.DATA_DIR, d.exportId))?.erasedAt ?? null,
    };
  }

  /** The bytes, recomputed; a digest that no longer matches is refused, never served. */
  async content(
    caller: Pick<Caller, 'workspaceId'>,
    id: string,
  ): Promise<{ meta: ExportMetadata; bytes: Buffer }> {
    const meta = await this.get(caller, id);
    if (meta.erasedAt !== null)
      throw new GoneException(
        `export ${id} was erased at ${meta.erasedAt}: it held a person since erased`,
      );
    const bytes = await computeExport(this.audit, {
      kind: meta.kind,
      params: meta.params,
      format: meta.format,
      formatVersion: meta.formatVersion,
      position: meta.position,
      workspaceId: caller.workspaceId,
    });
    if (sha256Of(bytes) !== meta.sha256)
      throw new Error(
        `export ${id} no longer reproduces its sha256; the read models need a rebuild`,
      );
    return { meta, bytes };
  }

  /** The log's head once the audit projection has applied it (the default position). */
  private async headPoint(): Promise<LogPoint> {
    const head = await this.events.headPosition();
    if (head === null) return { at: new Date().toISOString(), position: null, seq: 0 };
    const positions = this.readModels.collection(AUDIT_POSITIONS);
    const deadline = Date.now() + 10_000;
    while (!(await positions.get(head as Position))) {
      if (Date.now() > deadline) return this.audit.head();
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.audit.pointOf(head);
  }
}
