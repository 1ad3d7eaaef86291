import type { DeprovisionReportItem } from '../deprovision/deprovision-report.projection';
import { pendingReportItem } from '../../../../test/support/report-item';
import { deprovisionAnnouncement } from './deprovision-announcement.message';

const item = (name: string, email: string, assets: DeprovisionReportItem['access']['assets']) =>
  pendingReportItem({
    id: email,
    workspaceId: 'w1',
    integrationId: 'i1',
    memberId: email,
    name,
    email,
    identityId: 'identity-1',
    leftAt: '2026-12-06T09:15:00.000Z',
    access: { businessRole: 'manager', assets },
    status: 'pending',
  });

const integration = { id: 'i1', label: 'Acme Ads', businessId: '123' };

describe('the leaver announcement', () => {
  it('given one leaver, then the subject says one person and the body lists what they hold since when', () => {
    const { subject, text } = deprovisionAnnouncement(integration, [
      item('Ann Lee', 'ann@acme.test', [
        { assetId: '5001', assetName: 'Acme US', assetType: 'AD_ACCOUNT', permissions: ['ADMIN'] },
        { assetId: '5002', assetName: null, assetType: 'PROFILE', permissions: [] },
      ]),
    ]);
    expect(subject).toBe('Acme Ads: 1 person who left still on Pinterest');
    expect(text).toContain('1 person has left the company but can still reach');
    expect(text).toContain(
      [
        '- Ann Lee <ann@acme.test>',
        '  left: 2026-12-06T09:15:00.000Z',
        '  business role: manager',
        '  assets: Acme US (ad account): ADMIN; 5002 (business profile): no permissions',
      ].join('\n'),
    );
    expect(text).toContain('POST /api/integrations/i1/deprovision-report/apply');
  });

  it('given several leavers, then each is listed, in the order given', () => {
    const { subject, text } = deprovisionAnnouncement(integration, [
      item('Ann Lee', 'ann@acme.test', []),
      item('Bob Stone', 'bob@acme.test', []),
    ]);
    expect(subject).toBe('Acme Ads: 2 people who left still on Pinterest');
    expect(text.indexOf('Ann Lee')).toBeLessThan(text.indexOf('Bob Stone'));
    expect(text).toContain('  assets: none');
  });
});
