import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { BrowserContext, Page } from 'playwright';

import type { Evidence } from '../errors';

/**
 * Keeps a rolling Playwright trace for one browser context, so that when an operation fails
 * its steps can be saved, and otherwise are thrown away. Trace calls are serialised: the
 * context allows one chunk at a time and operations may share it.
 */
export class Tracer {
  private queue: Promise<unknown> = Promise.resolve();
  private active = false;
  private inFlight = 0;

  constructor(
    private readonly context: BrowserContext,
    private readonly enabled: boolean,
    /** DOM snapshots per step: the most telling part of a trace, and the costliest. */
    private readonly snapshots: boolean,
  ) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Call only once no secret can be typed into this context (its pages get recorded). */
  start(): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    return this.serial(async () => {
      if (this.active) return;
      // Screencast frames cost more than they tell; the failure screenshot is kept anyway.
      await this.context.tracing.start({
        snapshots: this.snapshots,
        screenshots: false,
        sources: false,
      });
      await this.context.tracing.startChunk();
      this.active = true;
    });
  }

  enter(): void {
    this.inFlight += 1;
  }

  /** When nothing else is running, drops what was recorded so traces stay one operation long. */
  async exit(): Promise<void> {
    this.inFlight -= 1;
    if (this.inFlight > 0 || !this.active) return;
    await this.serial(async () => {
      if (!this.active || this.inFlight > 0) return;
      await this.context.tracing.stopChunk();
      await this.context.tracing.startChunk();
    }).catch(() => undefined);
  }

  /** Writes what was recorded since the last rotation; undefined when tracing is off. */
  save(path: string): Promise<string | undefined> {
    if (!this.active) return Promise.resolve(undefined);
    return this.serial(async () => {
      await this.context.tracing.stopChunk({ path });
      await this.context.tracing.startChunk();
      return path;
    });
  }
}

export class EvidenceStore {
  constructor(readonly dir: string) {}

  /**
   * Saves a screenshot and, when a tracer is given, the trace. Never throws: evidence is a
   * help for the failure being reported, not a second failure.
   */
  async capture(
    label: string,
    page: Page | undefined,
    tracer: Tracer | undefined,
  ): Promise<Evidence> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const folder = resolve(this.dir, `${stamp}-${label}-${randomBytes(3).toString('hex')}`);
    const evidence: Evidence = {};
    try {
      // Screens of the Business Manager show people: for the service's user alone.
      await mkdir(folder, { recursive: true, mode: 0o700 });
      if (page && !page.isClosed()) {
        evidence.url = page.url();
        const screenshotPath = join(folder, 'screenshot.png');
        await page.screenshot({ path: screenshotPath, fullPage: true, timeout: 5_000 });
        await chmod(screenshotPath, 0o600);
        evidence.screenshotPath = screenshotPath;
        // The DOM as it stood (open dialogs included), which a trace without snapshots lacks.
        const htmlPath = join(folder, 'page.html');
        await writeFile(htmlPath, await page.content(), { mode: 0o600 });
        evidence.htmlPath = htmlPath;
      }
    } catch {
      // The page may have crashed; the trace below is still worth having.
    }
    try {
      const tracePath = await tracer?.save(join(folder, 'trace.zip'));
      if (tracePath) {
        await chmod(tracePath, 0o600);
        evidence.tracePath = tracePath;
      }
    } catch {
      // Nothing more to keep.
    }
    return evidence;
  }
}

/**
 * For a context where a password was typed: it is cleared from the page first, then a
 * one-off trace records only the state as it is now (a screenshot step gives the snapshot).
 */
export async function captureLoginEvidence(
  store: EvidenceStore,
  label: string,
  context: BrowserContext,
  page: Page,
  trace: boolean,
): Promise<Evidence> {
  try {
    await page.evaluate(
      "document.querySelectorAll('input[type=password], input[autocomplete=one-time-code]').forEach((i) => { i.value = ''; })",
    );
  } catch {
    return {};
  }
  const tracer = new Tracer(context, trace, true);
  await tracer.start().catch(() => undefined);
  const evidence = await store.capture(label, page, tracer);
  // The context may live on (a challenge waits for its code): nothing typed later is recorded.
  await context.tracing.stop().catch(() => undefined);
  return evidence;
}
