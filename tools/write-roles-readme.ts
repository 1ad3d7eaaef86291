/**
 * Writes the README's table of routes and roles from the running app's router
 * (`npm run roles:readme`); test/api/roles.e2e.ts fails when the README is stale.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { routeRoles, rolesTable, type RouteRole } from '@app/governance';
import { AppModule } from '../apps/api/src/app.module';

export const README = join(__dirname, '..', 'README.md');
const BEGIN = '<!-- roles:begin (npm run roles:readme writes this table) -->';
const END = '<!-- roles:end -->';

/** The app as an `api` process builds it (no workers, nothing listening), on a scratch DATA_DIR. */
export async function appRoutes(): Promise<RouteRole[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roles-'));
  const saved = { ...process.env };
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    SERVICE_ROLE: 'api',
    PINTEREST_BASE_URL: 'http://127.0.0.1:9',
    EVENTSTORE_URL: '',
    MONGO_URL: '',
    LOG_LEVEL: 'error',
  });
  try {
    const app = await NestFactory.create(AppModule.forRole('api'), { logger: false });
    try {
      return routeRoles(app);
    } finally {
      await app.close();
    }
  } finally {
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The README with the table between the markers (already as `prettier --check` wants it). */
export function readmeWithRoles(readme: string, routes: readonly RouteRole[]): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`);
  return `${readme.slice(0, begin + BEGIN.length)}\n\n${rolesTable(routes)}\n\n${readme.slice(end)}`;
}

if (require.main === module) {
  void (async () => {
    const readme = readFileSync(README, 'utf8');
    writeFileSync(README, readmeWithRoles(readme, await appRoutes()));
  })();
}
