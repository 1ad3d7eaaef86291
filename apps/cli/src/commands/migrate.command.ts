import { isDeepStrictEqual } from 'node:util';
import {
  closeSync,
  existsSync,
  fsyncSync,
  fstatSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { RecordedEvent } from '@app/eventstore';
import { SqliteEventStoreAdapter } from '@app/eventstore/sqlite';
import type { PersonalDataEncryption } from '@app/infrastructure';

const BATCH = 1000;

type Row = {
  position: number;
  id: string;
  stream: string;
  category: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
};

/** Overwrites a file's bytes with zeros through an open descriptor, then syncs it. */
function zeroFile(fd: number): void {
  const size = fstatSync(fd).size;
  const zeros = Buffer.alloc(Math.min(size, 1 << 20));
  for (let at = 0; at < size; at += zeros.length)
    writeSync(fd, zeros, 0, Math.min(zeros.length, size - at), at);
  fsyncSync(fd);
}

function asRecorded(row: Row): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as RecordedEvent['metadata'],
    stream: row.stream,
    revision: row.revision,
    position: String(row.position) as RecordedEvent['position'],
    recordedAt: row.recorded_at,
  };
}

/**
 * `migrate encrypt-personal-data`: events written before encryption hold their personal fields
 * in plaintext. The log is copied, row by row (same positions, ids, revisions, metadata and
 * recording times, so every checkpoint stays valid), into a new file with those fields sealed;
 * the copy is verified (same events in the same order, and its data decrypts equal to the old
 * data); then it replaces the old file atomically and the old file's bytes are overwritten with
 * zeros before it is let go. The service must be stopped. A crashed run leaves the old file in
 * place and is simply run again; a run over an encrypted log changes nothing it holds.
 */
export async function migrateEncryptPersonalData(
  dataDir: string,
  encryption: PersonalDataEncryption,
  out: (line: string) => void,
): Promise<number> {
  const live = join(dataDir, 'events.sqlite');
  if (!existsSync(live)) throw new Error(`no event store at ${live}`);
  const next = `${live}.migrating`;
  for (const f of [next, `${next}-wal`, `${next}-shm`]) rmSync(f, { force: true });

  // Owner-only from the first byte; the adapter writes the schema the service expects.
  closeSync(openSync(next, 'a', 0o600));
  await new SqliteEventStoreAdapter({ file: next }).close();
  const old = new Database(live, { fileMustExist: true, timeout: 10_000 });
  old.pragma('wal_checkpoint(TRUNCATE)');
  const copy = new Database(next, { fileMustExist: true });
  copy.pragma('journal_mode = WAL');
  copy.pragma('secure_delete = ON');
  let copied = 0;
  let sealed = 0;
  try {
    const insert = copy.prepare(
      `INSERT INTO events (position, id, stream, category, revision, type, data, metadata, recorded_at)
       VALUES (@position, @id, @stream, @category, @revision, @type, @data, @metadata, @recorded_at)`,
    );
    const page = old.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
    const copyBatch = copy.transaction((rows: Row[]) => {
      for (const row of rows) {
        const event = asRecorded(row);
        const data = JSON.stringify(encryption.seal(row.stream, event).data ?? null);
        if (data !== row.data) sealed += 1;
        insert.run({ ...row, data });
      }
    });
    for (let after = 0; ;) {
      const rows = page.all(after, BATCH) as Row[];
      if (rows.length === 0) break;
      copyBatch(rows);
      copied += rows.length;
      after = rows[rows.length - 1].position;
    }

    // Verify: the same events in the same order, each decrypting to the data it had.
    const newPage = copy.prepare(
      'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
    );
    let verified = 0;
    for (let after = 0; ;) {
      const a = page.all(after, BATCH) as Row[];
      const b = newPage.all(after, BATCH) as Row[];
      if (a.length !== b.length) throw new Error(`the copy has a different length after ${after}`);
      if (a.length === 0) break;
      for (let i = 0; i < a.length; i++) {
        const { data: _oldData, ...oldRest } = a[i];
        const { data: newData, ...newRest } = b[i];
        if (!isDeepStrictEqual(oldRest, newRest))
          throw new Error(`the copy differs from the log at position ${a[i].position}`);
        // Equal once both are read: plaintext is read as is, an already sealed value opened.
        const opened = encryption.open(asRecorded({ ...b[i], data: newData })).data;
        if (!isDeepStrictEqual(opened, encryption.open(asRecorded(a[i])).data))
          throw new Error(`event at position ${a[i].position} does not decrypt to its data`);
        verified += 1;
      }
      after = a[a.length - 1].position;
    }
    if (verified !== copied) throw new Error(`verified ${verified} of ${copied} events`);
    copy.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    copy.close();
    old.close();
    for (const f of [next, `${next}-wal`, `${next}-shm`]) rmSync(f, { force: true });
    throw error;
  }
  copy.close();
  old.close();

  // Swap: the new file takes the old one's name atomically; the old inode is zeroed through a
  // descriptor opened before, so its plaintext is overwritten, not merely unlinked.
  const oldFd = openSync(live, 'r+');
  try {
    for (const f of [`${live}-wal`, `${live}-shm`, `${next}-wal`, `${next}-shm`])
      rmSync(f, { force: true });
    renameSync(next, live);
    zeroFile(oldFd);
  } finally {
    closeSync(oldFd);
  }
  out(JSON.stringify({ file: live, events: copied, sealed, verified: true }));
  return 0;
}
