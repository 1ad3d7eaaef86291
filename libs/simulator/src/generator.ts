import {
  GENERATED_PERMISSIONS_BY_ASSET_TYPE,
  type AssetFixture,
  type BusinessFixture,
  type GenerateRequest,
  type GrantFixture,
  type InviteFixture,
  type MemberFixture,
  type PartnerFixture,
  type Permission,
} from './types';

export const DEFAULT_GENERATED_MANAGER = {
  email: 'automation@generated.example',
  password: 'generated-automation-password',
} as const;

/** mulberry32: tiny, fast and the same on every machine, which is all a fixture needs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Ava',
  'Ben',
  'Chloe',
  'Diego',
  'Emma',
  'Farah',
  'Gabriel',
  'Hana',
  'Ivan',
  'Julia',
  'Kenji',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Uma',
  'Victor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Anders',
  'Brown',
  'Costa',
  'Dubois',
  'Evans',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ito',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Müller',
  'Nakamura',
  "O'Neil",
  'Patel',
  'Quintero',
  'Rossi',
  'Silva',
  'Tanaka',
  'Ueda',
  'Varga',
  'Weber',
  'Xu',
  'Yilmaz',
  'Zhang',
];

/** Asset permission sets people actually get: mostly one or two, sometimes Admin alone. */
function pickPermissions(random: () => number, offered: readonly Permission[]): Permission[] {
  if (offered.length === 1) return [...offered];
  if (random() < 0.15) return ['ADMIN'];
  const count = 1 + Math.floor(random() * 2);
  const chosen = new Set<Permission>();
  while (chosen.size < count) chosen.add(offered[Math.floor(random() * offered.length)]!);
  return offered.filter((p) => chosen.has(p));
}

/**
 * A large business, the same for the same request: ids, names, roles, dates, grants and
 * partners all come from the seed. The first member is the Manager login it is driven with.
 */
export function generateBusiness(req: GenerateRequest): BusinessFixture {
  const random = seededRandom(req.seed);
  const idOf = (prefix: string, n: number): string =>
    `${prefix}${String(n).padStart(18 - prefix.length, '0')}`;
  const epoch = Date.UTC(2021, 0, 1);
  const span = Date.UTC(2025, 0, 1) - epoch;
  const dayMs = 86_400_000;
  const dateAt = (): string =>
    new Date(epoch + Math.floor((random() * span) / dayMs) * dayMs).toISOString();

  const members: MemberFixture[] = [
    {
      id: idOf('9', 0),
      name: 'Automation Account',
      email: req.managerEmail ?? DEFAULT_GENERATED_MANAGER.email,
      role: 'MANAGER',
      password: req.managerPassword ?? DEFAULT_GENERATED_MANAGER.password,
      // The day before anyone else, so it stays first once sorted by date added.
      addedAt: new Date(epoch - 86_400_000).toISOString(),
    },
  ];
  for (let i = 1; i <= req.members; i++) {
    const first = FIRST[Math.floor(random() * FIRST.length)]!;
    const last = LAST[Math.floor(random() * LAST.length)]!;
    members.push({
      id: idOf('5', i),
      name: `${first} ${last}`,
      email: `${first}.${last.replace(/[^A-Za-z]/g, '')}.${i}@corp.example`.toLowerCase(),
      role: random() < 0.05 ? 'MANAGER' : 'EMPLOYEE',
      addedAt: dateAt(),
    });
  }
  // Sorted by date added, as Business Manager lists them.
  members.sort(
    (a, b) => (a.addedAt ?? '').localeCompare(b.addedAt ?? '') || a.id.localeCompare(b.id),
  );

  const assets: AssetFixture[] = [];
  const profiles = req.profiles ?? Math.max(1, Math.ceil(req.adAccounts / 20));
  const catalogs = req.catalogs ?? Math.max(1, Math.ceil(req.adAccounts / 50));
  for (let i = 1; i <= req.adAccounts; i++) {
    assets.push({ id: idOf('549', i), type: 'AD_ACCOUNT', name: `Ad account ${i}` });
  }
  for (let i = 1; i <= profiles; i++) {
    assets.push({ id: idOf('700', i), type: 'PROFILE', name: `Profile ${i}` });
  }
  for (let i = 1; i <= catalogs; i++) {
    assets.push({ id: idOf('800', i), type: 'CATALOG', name: `Catalog ${i}` });
  }

  const grants: GrantFixture[] = [];
  const perMember = Math.min(req.grantsPerMember, assets.length);
  for (const m of members) {
    if (m.password !== undefined || assets.length === 0) continue;
    const taken = new Set<number>();
    while (taken.size < perMember) taken.add(Math.floor(random() * assets.length));
    for (const index of [...taken].sort((a, b) => a - b)) {
      const asset = assets[index]!;
      grants.push({
        memberId: m.id,
        assetId: asset.id,
        permissions: pickPermissions(random, GENERATED_PERMISSIONS_BY_ASSET_TYPE[asset.type]),
      });
    }
  }

  const partners: PartnerFixture[] = [];
  for (let i = 1; i <= req.partners; i++) {
    const shared = new Set<number>();
    const want = Math.min(assets.length, 1 + Math.floor(random() * 4));
    while (shared.size < want) shared.add(Math.floor(random() * assets.length));
    const visible = i % 3 !== 0;
    const people = Math.floor(random() * 4);
    partners.push({
      id: idOf('3', i),
      name: `Partner Agency ${i}`,
      grants: [...shared]
        .sort((a, b) => a - b)
        .map((index) => ({
          assetId: assets[index]!.id,
          permissions: pickPermissions(
            random,
            GENERATED_PERMISSIONS_BY_ASSET_TYPE[assets[index]!.type],
          ),
        })),
      ...(visible && {
        members: Array.from({ length: people }, (_, k) => ({
          id: idOf(`3${i}`, k + 1),
          name: `Agency ${i} Person ${k + 1}`,
          email: `person${k + 1}@agency${i}.example`,
        })),
      }),
    });
  }

  const inviteCount = req.invites ?? Math.ceil(req.members / 100);
  const invites: InviteFixture[] = [];
  const statuses = ['PENDING', 'PENDING', 'PENDING', 'EXPIRED', 'DECLINED'] as const;
  for (let i = 1; i <= inviteCount; i++) {
    invites.push({
      email: `invitee.${i}@corp.example`,
      role: random() < 0.1 ? 'MANAGER' : 'EMPLOYEE',
      status: statuses[i % statuses.length]!,
      sentAt: dateAt(),
    });
  }

  return {
    id: req.businessId,
    name: req.name ?? `Generated Business ${req.businessId.slice(-4)}`,
    members,
    invites,
    assets,
    grants,
    partners,
  };
}
