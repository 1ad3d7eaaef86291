/**
 * One table holds the whole log. `position` is the rowid: SQLite assigns max(rowid) + 1 and
 * writers are serialised, so positions are strictly increasing in commit order and a reader
 * never sees a later position before an earlier one. Rows are never deleted, so the plain
 * rowid behaves like AUTOINCREMENT without the cost of maintaining `sqlite_sequence`.
 *
 * Index choices (each index costs every insert, so there is no index that a query here does
 * not use):
 * - (stream, revision) unique: reading a stream, finding its head, and a second guard against
 *   two events at one revision;
 * - (stream, id) unique: idempotent retries look their ids up here, and it keeps an id from
 *   appearing twice in a stream;
 * - (category) and (type): every index entry ends with the rowid, so these are in effect
 *   (category, position) and (type, position); filtered reads of the log walk them in position
 *   order, so a sparse filter does not scan the whole table.
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY,
  id          TEXT    NOT NULL,
  stream      TEXT    NOT NULL,
  category    TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  UNIQUE (stream, revision)
);
CREATE UNIQUE INDEX IF NOT EXISTS events_stream_id ON events (stream, id);
CREATE INDEX IF NOT EXISTS events_category ON events (category);
CREATE INDEX IF NOT EXISTS events_type ON events (type);
`;

/** The column order every read statement selects, so rows can be read as arrays. */
export const COLUMNS = 'position, id, stream, revision, type, data, metadata, recorded_at';

export type EventRow = [
  position: number,
  id: string,
  stream: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
  recordedAt: string,
];
