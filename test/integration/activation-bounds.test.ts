import { describe, expect, it } from 'vitest';
import { useAwsConfiguredHandlers } from '../support/aws-handlers.ts';
import { invoke } from '../support/invoke.ts';

/**
 * A leaked key cannot flood the registered mailbox: at most 5 activations of one license wait
 * for their code at once, and at most 10 codes are e-mailed for it per hour (the defaults);
 * beyond, 429 with Retry-After, and a refused call writes and sends nothing.
 */
const { ses, admin, mailed } = useAwsConfiguredHandlers();

const licenseKey = async (code: string) => {
  await invoke('POST', '/products', {
    token: admin(),
    body: { code, name: code, seatModel: 'instance' },
  });
  const license = await invoke('POST', '/licenses', {
    token: admin(),
    body: {
      productCode: code,
      registeredEmail: 'it@acme.example',
      companyName: 'Acme',
      seatLimit: 1,
      maxActivations: 50,
      notify: false,
    },
  });
  return license.json.key as string;
};

const start = (key: string, n: number) =>
  invoke('POST', '/instance/activations', { body: { key, fingerprint: `leaked-host-${n}` } });

const mails = () => ses().callsOf('SendEmail').length;

describe('activation bounds', () => {
  it('30 starts with a leaked key send 5 codes; the rest are 429 PENDING_LIMIT_REACHED with Retry-After', async () => {
    const key = await licenseKey('FLOOD');
    const before = mails();

    const answers = [];
    for (let n = 0; n < 30; n++) answers.push(await start(key, n));

    const accepted = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 429);
    expect(accepted).toHaveLength(5);
    expect(refused).toHaveLength(25);
    expect(mails() - before).toBe(5);
    for (const answer of refused) {
      expect(answer.json.code).toBe('PENDING_LIMIT_REACHED');
      const retryAfter = Number(answer.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(answer.json.retryAfter).toBe(retryAfter);
    }
  });

  it('frees a pending place when its activation completes', async () => {
    const key = await licenseKey('FREED');
    const started = [];
    for (let n = 0; n < 5; n++) started.push(await start(key, n));
    const code = /\d{4}-\d{4}/.exec(mailed().at(-1) ?? '')?.[0];
    const last = started.at(-1)?.json.activationId as string;

    expect((await start(key, 99)).status).toBe(429);
    const done = await invoke('POST', `/instance/activations/${last}/complete`, { body: { code } });
    expect(done.status).toBe(200);
    expect((await start(key, 100)).status).toBe(201);
  });

  it('e-mails at most 10 codes per license per hour, resends included', async () => {
    const key = await licenseKey('MAILS');
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push((await start(key, n)).json.activationId as string);
    const before = mails();
    const resends = [];
    for (const id of [...ids, ...ids]) {
      resends.push(await invoke('POST', `/instance/activations/${id}/resend`, {}));
    }

    expect(resends.slice(0, 5).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(resends.slice(5).map((r) => r.json.code)).toEqual(
      Array(5).fill('CODE_EMAIL_LIMIT_REACHED'),
    );
    expect(mails() - before).toBe(5);
    const refused = resends[9];
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused?.headers['retry-after'])).toBeLessThanOrEqual(3600);
  });
});
