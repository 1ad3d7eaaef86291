import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ADMIN_KEY = 'bench-admin-key-0123456789';
export const SCIM_TOKEN = 'bench-scim-token-0123456789';

/**
 * Points the in-process service (createApp) at the simulator, on a fresh data folder and
 * in-memory stores; returns the folder for the caller to remove. LOG_LEVEL is set outright,
 * not `process.env.LOG_LEVEL ?? …`: importing the app module already wrote the defaults there.
 */
export function benchServiceEnv(
  name: string,
  simulatorUrl: string,
  extra: Record<string, string> = {},
): string {
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  Object.assign(process.env, {
    DATA_DIR: dataDir,
    PORT: '0',
    PINTEREST_BASE_URL: simulatorUrl,
    ADMIN_API_KEY: ADMIN_KEY,
    SCIM_TOKEN,
    EVENTSTORE_URL: '',
    MONGO_URL: '',
    LOG_LEVEL: 'error',
    ...extra,
  });
  return dataDir;
}
