/** What the bench's processes say to each other, and the business they all generate. */
export const BUSINESS = {
  businessId: '900000000000000012',
  adAccounts: 200,
  grantsPerMember: 3,
  partners: 5,
  seed: 12,
} as const;

export type FromParent =
  | { type: 'import'; integrationId: string; members: number }
  | { type: 'rss' }
  | { type: 'cpu' }
  | { type: 'profile'; file: string | null }
  | { type: 'stop' };

export type ToParent =
  | { type: 'ready'; url: string }
  | { type: 'imported'; seconds: number; events: number }
  | { type: 'rss'; rssMb: number; peakRssMb: number }
  | { type: 'profiled' }
  | { type: 'cpu'; ms: number };
