import type { DeprovisionReportItem } from '../deprovision/deprovision-report.projection';

const ASSET_TYPE_WORDS: Record<string, string> = {
  AD_ACCOUNT: 'ad account',
  PROFILE: 'business profile',
  CATALOG: 'catalog',
};

const assetWord = (type: string | null): string =>
  type === null ? 'asset' : (ASSET_TYPE_WORDS[type] ?? type);

/**
 * The one email a check sends about new leavers: who they are, what they can still reach on
 * Pinterest and since when, and how to apply the report.
 */
export function deprovisionAnnouncement(
  integration: { id: string; label: string; businessId: string },
  items: readonly DeprovisionReportItem[],
): { subject: string; text: string } {
  const count = items.length;
  const people = count === 1 ? '1 person who left' : `${count} people who left`;
  const subject = `${integration.label}: ${people} still on Pinterest`;
  const lines = [
    `${count === 1 ? '1 person has' : `${count} people have`} left the company but can still reach ` +
      `the Pinterest business "${integration.label}" (business ${integration.businessId}).`,
    'Review the deprovision report and apply it to remove them:',
    '',
    ...items.flatMap((item) => [
      `- ${item.name} <${item.email}>`,
      `  left: ${item.leftAt}`,
      `  business role: ${item.access.businessRole.toLowerCase()}`,
      `  assets: ${
        item.access.assets.length === 0
          ? 'none'
          : item.access.assets
              .map(
                (a) =>
                  `${a.assetName ?? a.assetId} (${assetWord(a.assetType)}): ` +
                  (a.permissions.length ? a.permissions.join(', ') : 'no permissions'),
              )
              .join('; ')
      }`,
    ]),
    '',
    `Report: GET /api/integrations/${integration.id}/deprovision-report?status=pending`,
    `Apply:  POST /api/integrations/${integration.id}/deprovision-report/apply`,
  ];
  return { subject, text: `${lines.join('\n')}\n` };
}
