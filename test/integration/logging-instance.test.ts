import { describe, expect, it } from 'vitest';
import { useAwsConfiguredHandlers } from '../support/aws-handlers.ts';
import { invoke } from '../support/invoke.ts';

/** The AWS configuration (SES, no outbox) at DEBUG: no key, code or token may reach a log line. */
const { lines, mailed, admin: adminToken } = useAwsConfiguredHandlers();

describe('instance API logs', () => {
  it('never carry a license key, activation code or activation token', async () => {
    await invoke('POST', '/products', {
      token: adminToken(),
      body: { code: 'PBX', name: 'PBX', seatModel: 'instance' },
    });
    const license = await invoke('POST', '/licenses', {
      token: adminToken(),
      body: {
        productCode: 'PBX',
        registeredEmail: 'it@acme.example',
        companyName: 'Acme',
        seatLimit: 1,
      },
    });
    const key = license.json.key as string;
    const started = await invoke('POST', '/instance/activations', {
      body: { key, fingerprint: 'host-logs-1' },
    });
    expect(started.status).toBe(201);
    const code = /\d{4}-\d{4}/.exec(mailed()[0] ?? '')?.[0] as string;
    expect(code).toBeDefined();
    const wrong = code === '0000-0000' ? '1111-1111' : '0000-0000';
    const id = started.json.activationId as string;
    expect(
      (await invoke('POST', `/instance/activations/${id}/complete`, { body: { code: wrong } })).json
        .code,
    ).toBe('CODE_INVALID');
    const done = await invoke('POST', `/instance/activations/${id}/complete`, { body: { code } });
    expect(done.status).toBe(200);
    const token = done.json.activationToken as string;
    await invoke('POST', '/instance/refresh', { headers: { authorization: `Bearer ${token}` } });
    await invoke('POST', '/instance/refresh', { headers: { authorization: `Bearer ${token}x` } });
    // PBX counts instances, not concurrent seats: a refusal logged after authentication.
    await invoke('POST', '/instance/seats/checkout', {
      headers: { authorization: `Bearer ${token}` },
      body: { sessionId: 's1', userId: 'u1' },
    });
    await invoke('POST', '/instance/validate', { body: { key, fingerprint: 'host-logs-1' } });
    const typo = `${key.slice(0, -1)}${key.endsWith('Q') ? 'R' : 'Q'}`; // a checksum typo
    await invoke('POST', '/instance/validate', { body: { key: typo } });
    await invoke('POST', '/instance/return', { headers: { authorization: `Bearer ${token}` } });

    const output = lines.join('');
    expect(output).toContain('"operation":"completeActivation"');
    // The instance is the principal of its own calls, by ids that are not secrets.
    expect(output).toContain(`"principal":{"activationId":"${id}"`);
    for (const secret of [
      key,
      key.replaceAll('-', ''),
      code, // the dashless 8 digits could occur by chance in a timestamp, so not searched
      token,
      token.slice(-43),
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).not.toMatch(/tsa_[0-9a-z]{26}_/);
  });
});
