import { describe, expect, it } from 'vitest';
import { tokenSecrets } from '../../lambdas/adapters/token-secrets.ts';
import { TOKEN_PATTERN } from '../../lambdas/domain/tokens.ts';

describe('token secrets', () => {
  it('mints recognisable tsr_ tokens that match the token pattern and carry their id part', () => {
    const minted = tokenSecrets.mint();
    const match = TOKEN_PATTERN.exec(minted.token);
    expect(minted.token.startsWith('tsr_')).toBe(true);
    expect(match?.[1]).toBe(minted.idPart);
  });

  it('stores only a SHA-256 hash that differs from the token', () => {
    const minted = tokenSecrets.mint();
    expect(minted.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(minted.hash).not.toContain(minted.token);
    expect(tokenSecrets.hash(minted.token)).toBe(minted.hash);
  });

  it('never mints the same token twice in 10,000 draws', () => {
    const seen = new Set(Array.from({ length: 10_000 }, () => tokenSecrets.mint().token));
    expect(seen.size).toBe(10_000);
  });

  it('compares hashes exactly, including hashes of different length', () => {
    const { hash } = tokenSecrets.mint();
    expect(tokenSecrets.equal(hash, hash)).toBe(true);
    expect(tokenSecrets.equal(hash, tokenSecrets.mint().hash)).toBe(false);
    expect(tokenSecrets.equal(hash, hash.slice(0, 10))).toBe(false);
  });
});
