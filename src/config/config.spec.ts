import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, validate } from './config';

describe('config validation', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'jicai-config-'));

  it('defaults to the embedded mode and generates a JWT secret once into the data directory', () => {
    const dir = dataDir();
    const a = validate({ DATA_DIR: dir });
    expect(a.database).toEqual({ type: 'sqlite', path: join(dir, 'jicai.sqlite') });
    expect(a.redisUrl).toBeNull();
    expect(a.port).toBe(3000);
    expect(a.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(a.jwtSecret);
    expect(validate({ DATA_DIR: dir }).jwtSecret).toBe(a.jwtSecret);
  });

  it('parses MySQL and Redis URLs', () => {
    const c = validate({
      DATA_DIR: dataDir(),
      DATABASE_URL: 'mysql://u:p@db.internal:3307/jicai',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(c.database).toMatchObject({
      type: 'mysql',
      host: 'db.internal',
      port: 3307,
      database: 'jicai',
    });
    expect(c.redisUrl).toBe('redis://cache:6379');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'postgres://x@y/z' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://u:p@host:3306' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'http://cache' }, 'REDIS_URL'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RUN_MIGRATIONS: 'maybe' }, 'RUN_MIGRATIONS'],
    [{ UPLOAD_MAX_BYTES: '-1' }, 'UPLOAD_MAX_BYTES'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'mysql://u:p@h:3306/db' }, 'JWT_SECRET'],
    [{ BID_SEAL_KEY: 'short' }, 'BID_SEAL_KEY'],
    [{ ROUND_TIMER_SECONDS: '0' }, 'ROUND_TIMER_SECONDS'],
    [
      {
        NODE_ENV: 'production',
        DATABASE_URL: 'mysql://u:p@h:3306/db',
        JWT_SECRET: 'x'.repeat(40),
      },
      'BID_SEAL_KEY',
    ],
  ])('rejects %j naming %s', (env, variable) => {
    expect(() => validate({ DATA_DIR: dataDir(), ...env })).toThrow(ConfigError);
    try {
      validate({ DATA_DIR: dataDir(), ...env });
    } catch (err) {
      expect((err as ConfigError).problems.join('\n')).toContain(variable);
    }
  });

  it('reports every bad variable at once', () => {
    try {
      validate({ DATA_DIR: dataDir(), PORT: 'x', LOG_LEVEL: 'y' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(2);
    }
  });
});
