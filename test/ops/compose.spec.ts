import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

// js-yaml comes with the toolchain (ESLint and Jest's coverage depend on it); no types ship.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { load } = require('js-yaml') as { load(text: string): unknown };

/**
 * No Docker engine runs on the development machines, so docker-compose.yml and the
 * Dockerfile are checked as files: what compose would start, with what, and when.
 */
const ROOT = resolve(__dirname, '../..');
const composeText = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}
const compose = load(composeText) as { services: Record<string, Service> };
const services = compose.services;
const ours = ['sim', 'api', 'worker'];
const SECRETS = ['ADMIN_API_KEY', 'SCIM_TOKEN', 'VAULT_KEY'];

/** Dockerfile instructions, continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('docker-compose.yml and the Dockerfile (read, not run: no Docker here)', () => {
  it('has the stores, the simulator, the api and the worker', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'eventstore', 'mongo', 'sim', 'worker']);
  });

  it('runs every process of ours from one image built from the Dockerfile, with nothing installed at start', () => {
    const images = new Set(ours.map((name) => services[name].image));
    expect(images.size).toBe(1);
    for (const name of ours) {
      expect(services[name].build).toBe('.');
      // No source folder mounted over the image, and no install when a container starts.
      expect(services[name].volumes ?? []).not.toContainEqual(expect.stringMatching(/^\.:/));
      expect(JSON.stringify(services[name].command ?? [])).not.toMatch(/npm (ci|install)|apt-get/);
    }
    expect(composeText).not.toMatch(/npm ci|apt-get/);
  });

  it('builds the image with npm ci once, from the lockfile, with Debian chromium-headless-shell', () => {
    const runs = instructions.filter((i) => i.startsWith('RUN '));
    expect(runs.filter((i) => /\bnpm ci\b/.test(i))).toHaveLength(1);
    expect(instructions).toContainEqual(
      expect.stringMatching(/^COPY package\.json package-lock\.json/),
    );
    expect(runs.some((i) => /apt-get install .*chromium-headless-shell/.test(i))).toBe(true);
    expect(instructions).toContainEqual(
      expect.stringMatching(/PLAYWRIGHT_CHROMIUM_PATH=\/usr\/bin\/chromium-headless-shell/),
    );
    expect(instructions.filter((i) => i.startsWith('FROM '))).toEqual([
      expect.stringMatching(/^FROM node:20-bookworm/),
      expect.stringMatching(/^FROM node:20-bookworm/),
    ]);
    // The copy of the sources must not bring the host's node_modules over the installed one.
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toContain('node_modules');
    expect(instructions.at(-1)).toMatch(/^CMD \["node", "-r", ".\/tools\/register.js"/);
    // DATA_DIR exists in the image owned by the service's user, mode 0700
    expect(instructions).toContain('RUN install -d -m 0700 -o node -g node /data');
    expect(instructions).toContain('USER node');
  });

  it('has no default secret: each one is required with ${VAR:?message}', () => {
    for (const secret of SECRETS) {
      // Any default form (${X:-…} or ${X-…}) or a literal value would start the stack with a known secret.
      expect(composeText).not.toMatch(new RegExp(`\\$\\{${secret}:?-`));
      for (const name of ['api', 'worker']) {
        expect(services[name].environment?.[secret]).toMatch(
          new RegExp(`^\\$\\{${secret}:\\?.+\\}$`),
        );
      }
    }
    expect(composeText).not.toMatch(/:-/);
  });

  it('lets the simulator listen beyond loopback (SIM_HOST) and the api and worker too (HOST)', () => {
    expect(services.sim.environment).toMatchObject({ SIM_HOST: '0.0.0.0', SIM_PORT: '3100' });
    expect(services.sim.command).toEqual([
      'node',
      '-r',
      './tools/register.js',
      'apps/pinterest-sim/src/main.ts',
    ]);
    for (const name of ['api', 'worker']) {
      expect(services[name].environment).toMatchObject({
        HOST: '0.0.0.0',
        PINTEREST_BASE_URL: 'http://sim:3100',
        MONGO_URL: 'mongodb://mongo:27017/?replicaSet=rs0',
        EVENTSTORE_URL: 'esdb://eventstore:2113?tls=false',
      });
    }
    expect(services.api.environment?.SERVICE_ROLE).toBe('api');
    expect(services.worker.environment?.SERVICE_ROLE).toBe('worker');
  });

  it('runs the api and the worker with NODE_ENV=production (GraphQL hides its schema)', () => {
    for (const name of ['api', 'worker']) {
      expect(services[name].environment?.NODE_ENV).toBe('production');
    }
  });

  it('reports MongoDB healthy only when it is the writable primary, initiating the replica set first', () => {
    const test = services.mongo.healthcheck?.test ?? [];
    const script = test[test.length - 1];
    expect(test.slice(0, 4)).toEqual(['CMD', 'mongosh', '--quiet', '--eval']);
    expect(script).toMatch(
      /rs\.initiate\(\{ _id: 'rs0', members: \[\{ _id: 0, host: 'mongo:27017' \}\] \}\)/,
    );
    expect(script).toMatch(/if \(!db\.hello\(\)\.isWritablePrimary\) quit\(1\)/);
    expect(services.mongo.command).toEqual(['--replSet', 'rs0', '--bind_ip_all']);
  });

  it('starts the api and the worker only once the stores and the simulator are healthy, and checks them too (the api ready, the worker alive: catching up is its job)', () => {
    for (const name of ['api', 'worker']) {
      expect(services[name].depends_on).toEqual({
        eventstore: { condition: 'service_healthy' },
        mongo: { condition: 'service_healthy' },
        sim: { condition: 'service_healthy' },
      });
    }
    expect(services.api.healthcheck?.test.join(' ')).toMatch(/127\.0\.0\.1:3000\/health\/ready/);
    expect(services.worker.healthcheck?.test.join(' ')).toMatch(/127\.0\.0\.1:3000\/health\/live/);
    expect(services.sim.healthcheck?.test.join(' ')).toMatch(/127\.0\.0\.1:3100\/__sim\/state/);
  });
});
