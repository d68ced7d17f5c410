import {
  generateApiKey,
  generatePassword,
  hashPassword,
  parseApiKey,
  passwordProblems,
  verifyPassword,
} from './credentials';

describe('passwords', () => {
  it('hashes with a per-user salt and verifies', async () => {
    const a = await hashPassword('correct horse 1');
    const b = await hashPassword('correct horse 1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    await expect(verifyPassword('correct horse 1', a)).resolves.toBe(true);
    await expect(verifyPassword('correct horse 2', a)).resolves.toBe(false);
    await expect(verifyPassword('x', 'not-a-hash')).resolves.toBe(false);
  });

  it.each([
    ['short1', ['at least 10 characters']],
    ['onlyletters', ['a digit']],
    ['1234567890', ['a letter']],
    ['longenough1', []],
  ])('policy for %s', (password, problems) => {
    expect(passwordProblems(password)).toEqual(problems);
  });

  it('generated passwords satisfy the policy', () => {
    for (let i = 0; i < 20; i++) expect(passwordProblems(generatePassword())).toEqual([]);
  });
});

describe('api keys', () => {
  it('round-trips prefix and hash, and rejects malformed keys', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(parseApiKey(key)).toEqual({ prefix, hash });
    expect(parseApiKey(key.slice(0, -1))).toBeNull();
    expect(parseApiKey('jk_short_abc')).toBeNull();
  });
});
