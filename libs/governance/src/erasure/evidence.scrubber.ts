import { promises as fs } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { EventStore } from '@app/eventstore';
import { erasedToken, mentions } from './masking';
import { namesIn, type ErasedPerson, type ErasureScrubber, type ScrubReport } from './scrubber';
import { zipEntries } from './zip';

/** Left in an evidence folder whose files were erased: when, and for whom (ids only). */
export const EVIDENCE_ERASED_MARKER = 'erased.json';

export interface EvidenceErasure {
  erasedAt: string;
  personIds: string[];
  /** The names of the files deleted (screenshot.png, page.html, trace.zip). */
  files: string[];
}

export interface ErasedEvidenceEntry {
  path: string;
  erasedAt: string;
}

/**
 * Deletes the automation evidence (screenshots, page HTML, Playwright traces) about an erased
 * person. A folder is about them when the log ties it to them (evidence recorded on their
 * member stream, or on a task that acted on that member) or when its content names them:
 * HTML and the entries of trace archives (opened: their entries are compressed) are searched
 * for the email and names. A screenshot cannot be searched, so it goes with its folder. The
 * folder stays with a marker, since the task events keep naming its paths and the evidence
 * route reports them erased. Only the person's workspace's evidence is looked at: a folder
 * another workspace's events name is left as it is, even when it names the same email.
 */
export class EvidenceScrubber implements ErasureScrubber {
  constructor(
    private readonly dir: string,
    private readonly events: EventStore,
  ) {}

  async scrub(person: ErasedPerson): Promise<ScrubReport> {
    const folders = await this.folders();
    if (folders.length === 0) return { copy: 'evidence', removed: 0 };
    const { tied, foreign } = await this.foldersTiedTo(person);
    let removed = 0;
    for (const folder of folders) {
      if (foreign.has(folder)) continue;
      const files = (await fs.readdir(folder)).filter((f) => f !== EVIDENCE_ERASED_MARKER);
      if (files.length === 0) continue;
      const marker = await readMarker(folder);
      const aboutPerson = tied.has(folder) || (await this.contentMentions(folder, files, person));
      // A marker beside files: an erasure stopped half-way; finish it.
      if (!aboutPerson && marker === null) continue;
      const erasure: EvidenceErasure = {
        erasedAt: marker?.erasedAt ?? new Date().toISOString(),
        personIds: [
          ...new Set([...(marker?.personIds ?? []), ...(aboutPerson ? [person.personId] : [])]),
        ].sort(),
        files: [...new Set([...(marker?.files ?? []), ...files])].sort(),
      };
      // The marker first: a crash after it leaves a folder the next run finishes.
      await writeMarker(folder, erasure);
      for (const file of files) await fs.rm(join(folder, file), { force: true, recursive: true });
      removed += files.length;
    }
    return { copy: 'evidence', removed };
  }

  private async folders(): Promise<string[]> {
    const names = await namesIn(this.dir);
    const out: string[] = [];
    for (const name of names) {
      const path = join(this.dir, name);
      if ((await fs.stat(path)).isDirectory()) out.push(resolve(path));
    }
    return out;
  }

  private async contentMentions(
    folder: string,
    files: string[],
    person: ErasedPerson,
  ): Promise<boolean> {
    for (const file of files) {
      const path = join(folder, file);
      if (!(await fs.stat(path)).isFile()) continue;
      const bytes = await fs.readFile(path);
      if (file.endsWith('.zip')) {
        let entries;
        try {
          entries = zipEntries(bytes);
        } catch {
          // An archive we cannot open may hold anyone: it goes.
          return true;
        }
        if (entries.some((e) => mentions(e.data.toString('utf8'), person))) return true;
      } else if (!file.endsWith('.png') && mentions(bytes.toString('utf8'), person)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Folders the log ties to the person: evidence recorded on a member stream of their workspace
   * that holds their email (or their token, once erased), and on the tasks those member events
   * name; and the folders other workspaces' events name (never touched).
   */
  private async foldersTiedTo(
    person: ErasedPerson,
  ): Promise<{ tied: Set<string>; foreign: Set<string> }> {
    const email = person.email.trim().toLowerCase();
    const token = erasedToken(person.personId);
    const evidenceByStream = new Map<string, string[]>();
    const tasksByStream = new Map<string, Set<string>>();
    const personStreams = new Set<string>();
    const taskEvidence = new Map<string, string[]>();
    const foreignPaths: string[] = [];
    for await (const e of this.events.readAll({
      filter: { categories: ['member', 'automationTask'] },
    })) {
      const found = collect(e.data);
      if (e.metadata.workspaceId !== person.workspaceId) {
        foreignPaths.push(...found.evidence);
        continue;
      }
      if (e.stream.startsWith('automationTask-')) {
        const taskId = e.stream.slice('automationTask-'.length);
        if (found.evidence.length > 0)
          taskEvidence.set(taskId, [...(taskEvidence.get(taskId) ?? []), ...found.evidence]);
        continue;
      }
      if (found.emails.some((x) => x.trim().toLowerCase() === email || x === token))
        personStreams.add(e.stream);
      if (found.evidence.length > 0)
        evidenceByStream.set(e.stream, [
          ...(evidenceByStream.get(e.stream) ?? []),
          ...found.evidence,
        ]);
      if (found.taskIds.length > 0) {
        const set = tasksByStream.get(e.stream) ?? new Set<string>();
        for (const t of found.taskIds) set.add(t);
        tasksByStream.set(e.stream, set);
      }
    }
    const paths: string[] = [];
    for (const stream of personStreams) {
      paths.push(...(evidenceByStream.get(stream) ?? []));
      for (const taskId of tasksByStream.get(stream) ?? [])
        paths.push(...(taskEvidence.get(taskId) ?? []));
    }
    const root = resolve(this.dir);
    const foldersOf = (list: string[]): Set<string> =>
      new Set(
        list
          .map((p) => resolve(dirname(p)))
          .filter(
            (folder) => folder.startsWith(root + sep) && !relative(root, folder).includes(sep),
          ),
      );
    return { tied: foldersOf(paths), foreign: foldersOf(foreignPaths) };
  }
}

/** Emails, evidence paths and task ids anywhere in an event's data. */
function collect(data: unknown): { emails: string[]; evidence: string[]; taskIds: string[] } {
  const out = { emails: [] as string[], evidence: [] as string[], taskIds: [] as string[] };
  const walk = (value: unknown, key: string | null): void => {
    if (typeof value === 'string') {
      if (key !== null && /email/i.test(key)) out.emails.push(value);
      if (key === 'taskId') out.taskIds.push(value);
      return;
    }
    if (Array.isArray(value)) {
      if (key === 'evidence')
        out.evidence.push(...value.filter((v): v is string => typeof v === 'string'));
      else for (const v of value) walk(v, key);
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(data, null);
  return out;
}

async function readMarker(folder: string): Promise<EvidenceErasure | null> {
  try {
    return JSON.parse(
      await fs.readFile(join(folder, EVIDENCE_ERASED_MARKER), 'utf8'),
    ) as EvidenceErasure;
  } catch {
    return null;
  }
}

async function writeMarker(folder: string, erasure: EvidenceErasure): Promise<void> {
  const path = join(folder, EVIDENCE_ERASED_MARKER);
  await fs.writeFile(`${path}.tmp`, JSON.stringify(erasure), { mode: 0o600 });
  await fs.rename(`${path}.tmp`, path);
}

/**
 * The recorded evidence paths whose files an erasure deleted, with when: what the evidence
 * route shows beside the paths the task's events keep naming. Only folders inside the
 * evidence directory are looked at (the paths come from the log).
 */
export async function erasedEvidenceOf(
  dir: string,
  paths: readonly string[],
): Promise<ErasedEvidenceEntry[]> {
  const root = resolve(dir);
  const out: ErasedEvidenceEntry[] = [];
  const markers = new Map<string, EvidenceErasure | null>();
  for (const path of paths) {
    const folder = resolve(dirname(path));
    if (!folder.startsWith(root + sep)) continue;
    if (!markers.has(folder)) markers.set(folder, await readMarker(folder));
    const marker = markers.get(folder);
    if (marker && marker.files.includes(basename(path)))
      out.push({ path, erasedAt: marker.erasedAt });
  }
  return out;
}
