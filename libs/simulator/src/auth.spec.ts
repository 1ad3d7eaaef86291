import { Auth, MAX_FAILED_ATTEMPTS } from './auth';
import { SimulatorState } from './state';

describe('Auth', () => {
  let now = 0;
  const setup = (): Auth => {
    now = Date.parse('2024-01-01T00:00:00Z');
    const state = new SimulatorState();
    state.reset({
      businesses: [
        {
          id: 'b',
          name: 'B',
          members: [
            { id: '1', name: 'A', email: 'a@x.example', role: 'MANAGER', password: 'right' },
            {
              id: '2',
              name: 'T',
              email: 't@x.example',
              role: 'MANAGER',
              password: 'right',
              twoFactor: true,
            },
          ],
        },
      ],
    });
    return new Auth(
      state,
      { sessionTtlMs: 60_000, lockoutMs: 300_000, codeTtlMs: 60_000 },
      () => now,
    );
  };

  it(`locks an account after ${MAX_FAILED_ATTEMPTS} wrong passwords, even for the right one, until the lock-out ends`, () => {
    // given four wrong attempts
    const auth = setup();
    for (let i = 1; i < MAX_FAILED_ATTEMPTS; i++) {
      expect(auth.login('a@x.example', 'wrong', false, '/').kind).toBe('wrong_password');
    }

    // when the fifth is wrong too
    const fifth = auth.login('a@x.example', 'wrong', false, '/');

    // then the account is locked, and the right password does not get through
    expect(fifth.kind).toBe('locked');
    expect(auth.login('a@x.example', 'right', false, '/').kind).toBe('locked');
    // and once the lock-out is over it does
    now += 300_001;
    expect(auth.login('a@x.example', 'right', false, '/').kind).toBe('ok');
  });

  it('asks two-factor accounts for the code it sent, and the code opens a session', () => {
    const auth = setup();
    const first = auth.login('T@x.example', 'right', false, '/next');
    if (first.kind !== 'challenge') throw new Error(`expected a challenge, got ${first.kind}`);
    expect(first.pending.kind).toBe('TWO_FACTOR');
    const sent = auth.lastCode('t@x.example')!;
    expect(sent.code).toMatch(/^\d{6}$/);
    expect(
      auth.verify(first.pending.token, '000000' === sent.code ? '111111' : '000000').kind,
    ).toBe('wrong_code');
    const ok = auth.verify(first.pending.token, sent.code);
    expect(ok).toMatchObject({ kind: 'ok', next: '/next' });
  });

  it('gives a suspicious-login challenge when asked to, even without two-factor', () => {
    const auth = setup();
    const r = auth.login('a@x.example', 'right', true, '/');
    expect(r.kind === 'challenge' && r.pending.kind).toBe('SUSPICIOUS_LOGIN');
  });

  it('ends sessions when they expire or when told to', () => {
    const auth = setup();
    const r = auth.login('a@x.example', 'right', false, '/');
    if (r.kind !== 'ok') throw new Error(r.kind);
    expect(auth.session(r.session.token)).toBeDefined();
    now += 60_001;
    expect(auth.session(r.session.token)).toBeUndefined();
    const again = auth.login('a@x.example', 'right', false, '/');
    if (again.kind !== 'ok') throw new Error(again.kind);
    auth.expireAll();
    expect(auth.session(again.session.token)).toBeUndefined();
  });
});
