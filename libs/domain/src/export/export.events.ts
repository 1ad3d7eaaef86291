import type { DomainEvent } from '../shared/decider';

/**
 * An evidence export was handed out: what it holds (kind, params), how it is encoded, the log
 * position it was computed at and the digest of its bytes. The bytes are not kept: the same
 * request at the same position recomputes them, byte for byte.
 */
export type EvidenceExportRequested = DomainEvent<
  'EvidenceExportRequested',
  {
    exportId: string;
    kind: string;
    params: Record<string, string>;
    format: 'ndjson' | 'csv';
    formatVersion: number;
    position: string | null;
    sha256: string;
    bytes: number;
  }
>;

export type ExportEvent = EvidenceExportRequested;

export const EXPORT_EVENT_TYPES: readonly ExportEvent['type'][] = ['EvidenceExportRequested'];

export const exportStream = (exportId: string): string => `export-${exportId}`;
