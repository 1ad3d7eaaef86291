import { InvalidEnvironment, parseSmtpUrl, validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('given no variables, when validated, then the embedded defaults apply', () => {
    const env = validateEnvironment({});
    expect(env.PORT).toBe(3000);
    expect(env.DATA_DIR).toBe('./data');
    expect(env.EVENTSTORE_URL).toBeUndefined();
    expect(env.MONGO_URL).toBeUndefined();
    expect(env.MAX_EVENT_BYTES).toBe(1048576);
  });

  it('given numeric strings, when validated, then they become numbers', () => {
    expect(validateEnvironment({ PORT: '8080' }).PORT).toBe(8080);
  });

  it('given a bad PORT, when validated, then the error names PORT and its value', () => {
    expect(() => validateEnvironment({ PORT: 'eighty' })).toThrow(InvalidEnvironment);
    expect(() => validateEnvironment({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
  });

  it('given no HOST, when validated, then the API listens on loopback; a given one is kept', () => {
    expect(validateEnvironment({}).HOST).toBe('127.0.0.1');
    expect(validateEnvironment({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(validateEnvironment({ HOST: '::' }).HOST).toBe('::');
    expect(validateEnvironment({ HOST: 'api.internal' }).HOST).toBe('api.internal');
  });

  it('given a HOST that is no address, when validated, then it is refused by name', () => {
    expect(() => validateEnvironment({ HOST: 'http://0.0.0.0:3000' })).toThrow(/HOST="http/);
    expect(() => validateEnvironment({ HOST: '' })).toThrow(/HOST=""/);
  });

  it('given a MONGO_URL that is not a connection string, when validated, then it is refused by name', () => {
    expect(() => validateEnvironment({ MONGO_URL: 'localhost' })).toThrow(/MONGO_URL/);
  });

  it('given an empty EVENTSTORE_URL, when validated, then it counts as unset', () => {
    expect(validateEnvironment({ EVENTSTORE_URL: '' }).EVENTSTORE_URL).toBeUndefined();
  });

  it('given a split role without PINTEREST_BASE_URL, when validated, then it is refused by name', () => {
    expect(() => validateEnvironment({ SERVICE_ROLE: 'worker' })).toThrow(/PINTEREST_BASE_URL/);
    expect(
      validateEnvironment({ SERVICE_ROLE: 'api', PINTEREST_BASE_URL: 'http://sim:3100' })
        .SERVICE_ROLE,
    ).toBe('api');
    expect(() => validateEnvironment({ SERVICE_ROLE: 'both' })).toThrow(/SERVICE_ROLE/);
  });

  it('given DEPROVISION_SAFEGUARD_PERCENT, when validated, then 20 by default, 0-100 taken, anything else refused by name', () => {
    expect(validateEnvironment({}).DEPROVISION_SAFEGUARD_PERCENT).toBe(20);
    expect(
      validateEnvironment({ DEPROVISION_SAFEGUARD_PERCENT: '5' }).DEPROVISION_SAFEGUARD_PERCENT,
    ).toBe(5);
    for (const bad of ['-1', '101', 'x']) {
      expect(() => validateEnvironment({ DEPROVISION_SAFEGUARD_PERCENT: bad })).toThrow(
        /DEPROVISION_SAFEGUARD_PERCENT=.*whole number from 0 to 100/,
      );
    }
  });

  it('given IMPORT_SAFEGUARD_PERCENT, when validated, then 0-100 is taken and anything else refused by name', () => {
    expect(validateEnvironment({}).IMPORT_SAFEGUARD_PERCENT).toBe(20);
    expect(validateEnvironment({ IMPORT_SAFEGUARD_PERCENT: '35' }).IMPORT_SAFEGUARD_PERCENT).toBe(
      35,
    );
    for (const bad of ['101', '-1', '12.5', 'twenty']) {
      expect(() => validateEnvironment({ IMPORT_SAFEGUARD_PERCENT: bad })).toThrow(
        /IMPORT_SAFEGUARD_PERCENT=.*whole number from 0 to 100/,
      );
    }
  });

  it('given SIM_HOST, when validated, then the simulator address is taken, loopback by default, and a bad one is refused by name', () => {
    expect(validateEnvironment({}).SIM_HOST).toBe('127.0.0.1');
    expect(validateEnvironment({ SIM_HOST: '0.0.0.0' }).SIM_HOST).toBe('0.0.0.0');
    expect(validateEnvironment({ SIM_HOST: '::' }).SIM_HOST).toBe('::');
    expect(() => validateEnvironment({ SIM_HOST: 'http://x/' })).toThrow(/SIM_HOST/);
  });

  it('given SMTP_URL, when validated, then smtp(s) URLs are taken and parsed without showing the password', () => {
    expect(validateEnvironment({}).SMTP_URL).toBeUndefined();
    expect(validateEnvironment({ SMTP_URL: '' }).SMTP_URL).toBeUndefined();
    const url = 'smtp://mailer:s%40cret@mail.example:2525';
    expect(validateEnvironment({ SMTP_URL: url }).SMTP_URL).toBe(url);
    expect(parseSmtpUrl(url)).toEqual({
      secure: false,
      host: 'mail.example',
      port: 2525,
      user: 'mailer',
      password: 's@cret',
      url: 'smtp://mailer:***@mail.example:2525',
    });
    expect(parseSmtpUrl('smtps://relay.example')).toMatchObject({ secure: true, port: 465 });
    expect(parseSmtpUrl('smtp://relay.example')).toMatchObject({ port: 587, user: null });
  });

  it('given a bad MONGO_URL or EVENTSTORE_URL holding a password, when validated, then it is refused by name and the password is not shown', () => {
    for (const [name, value] of [
      ['MONGO_URL', 'mongo://root:hunter2@db:27017'],
      ['EVENTSTORE_URL', 'http://admin:hunter2@esdb:2113'],
    ]) {
      let message = '';
      try {
        validateEnvironment({ [name]: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(new RegExp(`${name}="\\*\\*\\*@`));
      expect(message).not.toContain('hunter2');
    }
  });

  it('given a bad SMTP_URL, when validated, then it is refused by name and its password is not shown', () => {
    for (const bad of [
      'http://u:topsecret@mail.example',
      'smtp://u:topsecret@',
      'u:topsecret@mail.example',
      'smtp://u:topsecret@mail.example/path',
    ]) {
      let message = '';
      try {
        validateEnvironment({ SMTP_URL: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/SMTP_URL=.*must be smtp:\/\//);
      expect(message).not.toContain('topsecret');
    }
  });

  it('given a MAIL_FROM that is no email, when validated, then it is refused by name', () => {
    expect(validateEnvironment({}).MAIL_FROM).toMatch(/@/);
    expect(() => validateEnvironment({ MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM/);
  });

  it('given a bad secret, when validated, then the error names it without showing it', () => {
    for (const name of [
      'ADMIN_API_KEY',
      'SCIM_TOKEN',
      'VAULT_KEY',
      'API_KEY_PEPPER',
      'METRICS_TOKEN',
    ]) {
      expect(() => validateEnvironment({ [name]: 'short-s3cret' })).toThrow(
        new RegExp(`${name}=<12 characters, not shown>`),
      );
      expect(() => validateEnvironment({ [name]: 'short-s3cret' })).not.toThrow(/short-s3cret/);
    }
  });

  it('given READY_MAX_LAG, when validated, then 10000 by default, whole numbers from 0 taken, anything else refused by name', () => {
    expect(validateEnvironment({}).READY_MAX_LAG).toBe(10_000);
    expect(validateEnvironment({ READY_MAX_LAG: '0' }).READY_MAX_LAG).toBe(0);
    expect(validateEnvironment({ READY_MAX_LAG: '250' }).READY_MAX_LAG).toBe(250);
    for (const bad of ['-1', '1.5', 'lots', '10000001']) {
      expect(() => validateEnvironment({ READY_MAX_LAG: bad })).toThrow(
        /READY_MAX_LAG=.*: READY_MAX_LAG must be a whole number from 0 to 10000000/,
      );
    }
  });

  it('given METRICS_TOKEN and LOG_LEVEL, when validated, then an empty token is unset and a bad level is refused by name', () => {
    expect(validateEnvironment({ METRICS_TOKEN: '' }).METRICS_TOKEN).toBeUndefined();
    expect(validateEnvironment({ METRICS_TOKEN: 'scrape-token-0123456789' }).METRICS_TOKEN).toBe(
      'scrape-token-0123456789',
    );
    expect(validateEnvironment({}).LOG_LEVEL).toBe('log');
    expect(() => validateEnvironment({ LOG_LEVEL: 'info' })).toThrow(
      /LOG_LEVEL="info": LOG_LEVEL must be one of fatal, error, warn, log, debug, verbose/,
    );
  });
});
