import { readFileSync } from 'node:fs';
import type { RouteRole } from '@app/governance';
import { appRoutes, README, readmeWithRoles } from '../../tools/write-roles-readme';

describe('every route has a role, read from the router', () => {
  let routes: RouteRole[];

  beforeAll(async () => {
    routes = await appRoutes();
  }, 120_000);

  it('given the app as built, then its router lists the REST routes and GraphQL fields', () => {
    // A walk that found nothing would pass every check below.
    expect(
      routes.filter((r) => r.kind === 'rest' && r.path.startsWith('/api/')).length,
    ).toBeGreaterThan(40);
    expect(routes.some((r) => r.kind === 'graphql' && r.method === 'Mutation')).toBe(true);
    expect(routes.some((r) => r.kind === 'graphql' && r.method === 'Query')).toBe(true);
  });

  it('then every /api route and GraphQL root field declares a role and runs the API key guard', () => {
    const api = routes.filter((r) => r.kind === 'graphql' || r.path.startsWith('/api/'));
    const lacking = api.filter((r) => r.role === null || !r.guarded);
    expect(lacking.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('then reads are auditor routes and the classes of change need operator or admin', () => {
    const role = (method: string, path: string) =>
      routes.find((r) => r.method === method && r.path === path)?.role;
    // Task evidence is the one read kept from auditors: a screenshot shows whatever Business
    // Manager showed the automation account, well beyond the facts the audit reads give.
    const operatorReads = [
      '/api/automation-tasks/:id/evidence',
      '/api/automation-tasks/:id/evidence/:name',
    ];
    for (const r of routes.filter(
      (x) => x.kind === 'rest' && x.method === 'GET' && x.path.startsWith('/api/'),
    )) {
      const expected = operatorReads.includes(r.path) ? 'operator' : 'auditor';
      expect(`${r.path}: ${r.role}`).toBe(`${r.path}: ${expected}`);
    }
    for (const r of routes.filter((x) => x.kind === 'graphql' && x.method === 'Query')) {
      expect(`${r.path}: ${r.role}`).toBe(`${r.path}: auditor`);
    }
    expect(role('POST', '/api/exports')).toBe('auditor');
    expect(role('POST', '/api/integrations/:id/check-for-updates')).toBe('operator');
    expect(role('POST', '/api/integrations/:id/members/:memberId/remove')).toBe('operator');
    expect(
      routes.find((r) => r.path === '/api/integrations/:id/deprovision-report/apply'),
    ).toMatchObject({ role: 'operator', dryRunRole: 'auditor' });
    expect(role('POST', '/api/integrations')).toBe('admin');
    expect(role('POST', '/api/guests')).toBe('admin');
    expect(role('PUT', '/api/settings/notifications')).toBe('admin');
    expect(role('POST', '/api/api-keys')).toBe('admin');
    expect(role('Mutation', 'checkForUpdates')).toBe('operator');
  });

  it('then the README table is the one the router gives (npm run roles:readme rewrites it)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readmeWithRoles(readme, routes)).toBe(readme);
  });
});
