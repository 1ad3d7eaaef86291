import type { SimulatorFixture } from './types';

/** The automation account of the demo business: a Manager, as the service requires. */
export const DEMO_AUTOMATION_ACCOUNT = {
  email: 'automation@acme-home.example',
  password: 'demo-automation-password',
} as const;

export const DEMO_BUSINESS_ID = '729090764583391194';

/**
 * A small business that shows every case the service deals with: Managers and Employees,
 * someone with two-factor login, a leaver still holding assets, pending and expired
 * invitations, every asset type, and partners with and without visible people.
 */
export function demoFixture(): SimulatorFixture {
  return {
    businesses: [
      {
        id: DEMO_BUSINESS_ID,
        name: 'Acme Home Goods',
        members: [
          {
            id: '900000000000000001',
            name: 'Acme Automation',
            email: DEMO_AUTOMATION_ACCOUNT.email,
            role: 'MANAGER',
            password: DEMO_AUTOMATION_ACCOUNT.password,
            addedAt: '2023-01-10T09:00:00.000Z',
          },
          {
            id: '500000000000000002',
            name: 'Maria Lopez',
            email: 'maria.lopez@acme-home.example',
            role: 'MANAGER',
            password: 'demo-maria-password',
            twoFactor: true,
            addedAt: '2023-02-01T09:00:00.000Z',
          },
          {
            id: '500000000000000003',
            name: 'Jon Park',
            email: 'jon.park@acme-home.example',
            role: 'EMPLOYEE',
            password: 'demo-jon-password',
            addedAt: '2023-03-15T09:00:00.000Z',
          },
          {
            id: '500000000000000004',
            name: 'Priya Natarajan',
            email: 'priya.natarajan@acme-home.example',
            role: 'EMPLOYEE',
            addedAt: '2023-05-02T09:00:00.000Z',
          },
          {
            id: '500000000000000005',
            name: 'Tom Becker',
            email: 'tom.becker@acme-home.example',
            role: 'EMPLOYEE',
            addedAt: '2023-06-20T09:00:00.000Z',
          },
          {
            id: '500000000000000006',
            name: 'Sara Ito',
            email: 'sara.ito@gmail.example',
            role: 'EMPLOYEE',
            addedAt: '2023-09-01T09:00:00.000Z',
          },
          {
            id: '500000000000000007',
            name: 'Former Contractor',
            email: 'contractor.leaver@acme-home.example',
            role: 'EMPLOYEE',
            addedAt: '2022-11-11T09:00:00.000Z',
          },
        ],
        invites: [
          {
            email: 'new.hire@acme-home.example',
            role: 'EMPLOYEE',
            status: 'PENDING',
            sentAt: '2024-05-01T09:00:00.000Z',
          },
          {
            email: 'late.joiner@acme-home.example',
            role: 'EMPLOYEE',
            status: 'EXPIRED',
            sentAt: '2024-01-05T09:00:00.000Z',
          },
        ],
        assets: [
          { id: '549755885175', type: 'AD_ACCOUNT', name: 'Acme US Ads' },
          { id: '549755885176', type: 'AD_ACCOUNT', name: 'Acme EU Ads' },
          { id: '549755885177', type: 'AD_ACCOUNT', name: 'Acme Clearance' },
          { id: '700000000000000001', type: 'PROFILE', name: 'Acme Home (profile)' },
          { id: '800000000000000001', type: 'CATALOG', name: 'Acme Product Catalog' },
        ],
        grants: [
          { memberId: '500000000000000002', assetId: '549755885175', permissions: ['ADMIN'] },
          { memberId: '500000000000000002', assetId: '549755885176', permissions: ['ADMIN'] },
          {
            memberId: '500000000000000003',
            assetId: '549755885175',
            permissions: ['ANALYST', 'CAMPAIGN_MANAGER'],
          },
          {
            memberId: '500000000000000003',
            assetId: '700000000000000001',
            permissions: ['PROFILE_PUBLISHER'],
          },
          {
            memberId: '500000000000000004',
            assetId: '549755885176',
            permissions: ['FINANCE_MANAGER'],
          },
          {
            memberId: '500000000000000004',
            assetId: '800000000000000001',
            permissions: ['CATALOGS_MANAGER'],
          },
          {
            memberId: '500000000000000005',
            assetId: '549755885177',
            permissions: ['AUDIENCE_MANAGER', 'ANALYST'],
          },
          {
            memberId: '500000000000000007',
            assetId: '549755885175',
            permissions: ['ADMIN', 'FINANCE_MANAGER'],
          },
          {
            memberId: '500000000000000007',
            assetId: '800000000000000001',
            permissions: ['CATALOGS_MANAGER'],
          },
        ],
        partners: [
          {
            id: '300000000000000101',
            name: 'Brightside Media Agency',
            grants: [
              { assetId: '549755885175', permissions: ['CAMPAIGN_MANAGER', 'ANALYST'] },
              { assetId: '700000000000000001', permissions: ['PROFILE_PUBLISHER'] },
            ],
            members: [
              { id: '310000000000000001', name: 'Lee Chen', email: 'lee.chen@brightside.example' },
              { id: '310000000000000002', name: 'Ana Ruiz', email: 'ana.ruiz@brightside.example' },
            ],
          },
          {
            id: '300000000000000102',
            name: 'Northwind Analytics',
            grants: [{ assetId: '549755885176', permissions: ['ANALYST'] }],
          },
        ],
      },
    ],
  };
}
