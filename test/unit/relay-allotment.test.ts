import { describe, expect, it } from 'vitest';
import { buildJwks } from '../../lambdas/adapters/jwks.ts';
import { generateSigningKeyPem, localSigner } from '../../lambdas/adapters/signer-local.ts';
import { ALLOTMENT_TYP } from '../../lambdas/domain/relays.ts';
import { allotmentHolds, relayIdOf } from '../../relay/src/allotment-document.ts';

/** The relay applies a grant only if the vendor's key signed it for this relay, product and seats. */
describe('allotment documents, as the relay checks them', () => {
  it('accepts what the license key signed for it, and nothing altered, re-addressed or foreign', async () => {
    const signer = localSigner({ privateKeyPem: generateSigningKeyPem() });
    const stranger = localSigner({ privateKeyPem: generateSigningKeyPem() });
    const jwks = await buildJwks([signer]);
    const claims = {
      iss: 'tessera',
      sub: 'rly_a',
      prj: 'prj_1',
      product: 'AGENTS',
      seats: 4,
      iat: 1,
      exp: 2,
    };
    const expected = { relayId: 'rly_a', productCode: 'AGENTS', seats: 4 };
    const document = await signer.signDocument(ALLOTMENT_TYP, claims);
    expect(allotmentHolds(document, jwks, expected)).toBe(true);

    expect(allotmentHolds(document, jwks, { ...expected, relayId: 'rly_b' })).toBe(false);
    expect(allotmentHolds(document, jwks, { ...expected, seats: 5 })).toBe(false);
    expect(allotmentHolds(document, jwks, { ...expected, productCode: 'CHAT' })).toBe(false);
    expect(allotmentHolds(await stranger.signDocument(ALLOTMENT_TYP, claims), jwks, expected)).toBe(
      false,
    );
    const [h, , s] = document.split('.');
    const more = Buffer.from(JSON.stringify({ ...claims, seats: 40 })).toString('base64url');
    expect(allotmentHolds(`${h}.${more}.${s}`, jwks, { ...expected, seats: 40 })).toBe(false);
    // A license file is not an allotment, and an allotment type cannot be a license file.
    expect(allotmentHolds(await signer.signDocument('other+jwt', claims), jwks, expected)).toBe(
      false,
    );
    await expect(signer.signDocument('tessera-license+jwt', claims)).rejects.toThrow();
  });

  it('reads the relay id from its credential', () => {
    expect(relayIdOf(`tsy_01j9zzzzzzzzzzzzzzzzzzzzzz_${'a'.repeat(43)}`)).toBe(
      'rly_01j9zzzzzzzzzzzzzzzzzzzzzz',
    );
  });
});
