import { describe, expect, it } from 'vitest';
import { useAwsConfiguredHandlers } from '../support/aws-handlers.ts';
import { invoke } from '../support/invoke.ts';

/** Everything the handlers write, as in AWS: EMF metrics are JSON lines on stdout. */
const { lines, admin: adminToken, mailed } = useAwsConfiguredHandlers();

interface Emf {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  [key: string]: unknown;
}

/** Every EMF document written so far that carries `name`. */
const emitted = (name: string): Emf[] =>
  lines
    .join('')
    .split('\n')
    .flatMap((line) => {
      if (!line.startsWith('{"_aws"')) return [];
      const doc = JSON.parse(line) as Emf;
      return doc._aws.CloudWatchMetrics.some((m) => m.Metrics.some((x) => x.Name === name))
        ? [doc]
        : [];
    });

describe('business metrics', () => {
  it('are EMF lines in the Tessera namespace with the service and their own dimension only, and carry no secret', async () => {
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
      body: { key, fingerprint: 'host-metrics-1' },
    });
    expect(started.status).toBe(201);
    // The code is NNNN-NNNN in the template data.
    const mail = mailed()[0] ?? '';
    const code = /\d{4}-\d{4}/.exec(mail)?.[0] as string;
    expect(code).toBeDefined();
    const id = started.json.activationId as string;
    const wrong = code === '0000-0000' ? '1111-1111' : '0000-0000';
    await invoke('POST', `/instance/activations/${id}/complete`, { body: { code: wrong } });
    const done = await invoke('POST', `/instance/activations/${id}/complete`, { body: { code } });
    expect(done.status).toBe(200);
    const token = done.json.activationToken as string;
    await invoke('POST', '/instance/validate', { body: { key, fingerprint: 'host-metrics-1' } });
    // Another check character: a typo the checksum catches (Q itself when the key ends otherwise).
    const typo = `${key.slice(0, -1)}${key.endsWith('Q') ? 'R' : 'Q'}`;
    await invoke('POST', '/instance/validate', { body: { key: typo } });

    for (const name of ['ActivationsStarted', 'ActivationsCompleted']) {
      const [doc, ...more] = emitted(name);
      expect(more).toEqual([]);
      expect(doc?._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'Tessera',
          Dimensions: [['service']],
          Metrics: [{ Name: name, Unit: 'Count' }],
        },
      ]);
      expect(doc).toMatchObject({ service: 'tessera', [name]: 1 });
      expect(doc).not.toHaveProperty('operation');
    }
    const failed = emitted('ActivationsFailed');
    expect(failed.map((d) => [d._aws.CloudWatchMetrics[0]?.Dimensions, d.code])).toEqual([
      [[['service', 'code']], 'CODE_INVALID'],
    ]);
    const validations = emitted('Validations');
    expect(validations.map((d) => d.code).sort()).toEqual(['KEY_INVALID', 'VALID']);
    for (const doc of validations) {
      expect(doc._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'code']]);
      expect(doc).not.toHaveProperty('operation');
    }
    // The per-request metric keeps its operation dimension: the two kinds do not mix.
    expect(lines.join('')).toContain('"operation":"validateLicense"');

    const output = lines.join('');
    for (const secret of [key, key.replaceAll('-', ''), code, token, token.slice(-43)]) {
      expect(output).not.toContain(secret);
    }
  });
});
