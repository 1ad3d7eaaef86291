import type { BusinessFixture, SimulatorFixture } from '@app/simulator';

export const BUSINESS_ID = '123456789012345678';
export const AUTOMATION = { email: 'robot@acme.example', password: 'robot-password-1' };

/** A business whose emails are tricky to match: case, spaces, secondary emails, shared emails. */
export function trickyBusiness(overrides: Partial<BusinessFixture> = {}): BusinessFixture {
  return {
    id: BUSINESS_ID,
    name: 'Acme Tricky',
    members: [
      {
        id: '1000',
        name: 'Acme Robot',
        email: AUTOMATION.email,
        role: 'MANAGER',
        password: AUTOMATION.password,
      },
      { id: '1001', name: 'Ann Lee', email: 'ANN.LEE@Acme.Example', role: 'EMPLOYEE' },
      { id: '1002', name: 'Bob Stone', email: 'bob@acme.example', role: 'EMPLOYEE' },
      { id: '1003', name: 'Carol Diaz', email: 'carol@acme.example', role: 'MANAGER' },
      { id: '1004', name: 'Dan Outsider', email: 'dan@agency.example', role: 'EMPLOYEE' },
      { id: '1005', name: 'Eve Park', email: 'eve@acme.example', role: 'EMPLOYEE' },
    ],
    invites: [{ email: 'new.hire@acme.example', role: 'EMPLOYEE', status: 'PENDING' }],
    assets: [
      { id: '5001', type: 'AD_ACCOUNT', name: 'Acme US' },
      { id: '5002', type: 'PROFILE', name: 'Acme Profile' },
      { id: '5003', type: 'CATALOG', name: 'Acme Catalog' },
    ],
    grants: [
      { memberId: '1001', assetId: '5001', permissions: ['ADMIN', 'ANALYST'] },
      { memberId: '1002', assetId: '5002', permissions: ['PROFILE_PUBLISHER'] },
      { memberId: '1004', assetId: '5001', permissions: ['CAMPAIGN_MANAGER'] },
      { memberId: '1005', assetId: '5003', permissions: ['CATALOGS_MANAGER'] },
    ],
    partners: [
      {
        id: '777000111',
        name: 'Agency Partners',
        grants: [{ assetId: '5001', permissions: ['ANALYST'] }],
      },
    ],
    ...overrides,
  };
}

export function fixtureOf(...businesses: BusinessFixture[]): SimulatorFixture {
  return { businesses };
}
