import { Writable } from 'node:stream';
import { createLogger, PinoNestLogger } from './logger';

/** A logger writing into an array of parsed lines. */
function capture(level: Parameters<typeof createLogger>[0]) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger(level, stream) };
}

describe('JSON logs', () => {
  it('given Nest logging with a context, an error stack or an Error, then each is one JSON line with them', () => {
    const { lines, logger } = capture('log');
    const nest = new PinoNestLogger(logger);
    nest.log('started', 'NestApplication');
    nest.error('it broke', 'Error: it broke\n    at somewhere (file.ts:1:1)', 'Projections');
    nest.warn(new Error('as an error'), 'Mail');
    nest.debug('not at LOG_LEVEL=log', 'Quiet');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', context: 'NestApplication', msg: 'started' }),
      expect.objectContaining({
        level: 'error',
        context: 'Projections',
        msg: 'it broke',
        stack: expect.stringContaining('at somewhere') as unknown,
      }),
      expect.objectContaining({ level: 'warn', context: 'Mail', msg: 'as an error' }),
    ]);
    expect(lines[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('given secrets at the paths where they sit, then they are redacted whatever the caller logged', () => {
    const { lines, logger } = capture('verbose');
    logger.info(
      {
        req: { headers: { authorization: 'Bearer pak_secret', cookie: 'sid=secret' } },
        headers: { authorization: 'Bearer pak_other' },
        automationAccount: { email: 'robot@acme.example', password: 'hunter2' },
        credential: { key: 'pak_shown_once', token: 'scim_token_value', name: 'ci' },
        refreshToken: 'refresh-value',
      },
      'something',
    );
    const text = JSON.stringify(lines);
    for (const secret of [
      'pak_secret',
      'sid=secret',
      'pak_other',
      'hunter2',
      'pak_shown_once',
      'scim_token_value',
      'refresh-value',
    ]) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
    expect(lines[0]).toMatchObject({
      automationAccount: { email: 'robot@acme.example', password: '[redacted]' },
      credential: { name: 'ci', key: '[redacted]' },
    });
  });
});
