import { generateKeyPairSync } from 'node:crypto';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_KINDS } from '../../lambdas/domain/email-templates.ts';
import { groups, type RouteGroup } from '../../lambdas/routes.ts';
import { loadStageConfig } from '../../lib/config.ts';
import { signingActions } from '../../lib/constructs/tessera-function.ts';
import { synthTessera, withStage } from './app-fixture.ts';

/**
 * DESIGN.md: only the function that signs may call kms:Sign, only mailers may send e-mail. These
 * tests look at every IAM grant of every stack, so a grant added anywhere later is caught too.
 */

type Json = unknown;
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: Json;
  Condition?: Record<string, Record<string, Json>>;
}
interface Grant {
  stack: string;
  /** Logical id of the role the statement reaches. */
  role: string;
  statement: Statement;
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** `kms:Sign*`, `kms:*`, `*` all match `kms:Sign`; IAM action names ignore case. */
const actionMatches = (pattern: string, action: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`, 'i').test(
    action,
  );

const allows = (statement: Statement, action: string) =>
  statement.Effect === 'Allow' &&
  (statement.NotAction !== undefined
    ? !list(statement.NotAction).some((p) => actionMatches(p, action))
    : list(statement.Action).some((p) => actionMatches(p, action)));

const refsOf = (roles: Json): string[] =>
  list(roles as Json[]).map((r) => (r as { Ref?: string }).Ref ?? JSON.stringify(r));

/** Every IAM statement of every stack with the role it reaches: policies and inline role policies. */
const grantsOf = (templates: Record<string, Template>): Grant[] =>
  Object.entries(templates).flatMap(([stack, template]) => {
    const resources = template.toJSON().Resources as Record<
      string,
      { Type: string; Properties: Record<string, Json> }
    >;
    return Object.entries(resources).flatMap(([id, r]): Grant[] => {
      const p = r.Properties;
      const statementsOf = (doc: Json) => list((doc as { Statement: Statement[] }).Statement);
      if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
        if (p.Users !== undefined || p.Groups !== undefined) {
          throw new Error(`${stack}/${id} grants to IAM users or groups; Tessera grants to roles`);
        }
        return refsOf(p.Roles).flatMap((role) =>
          statementsOf(p.PolicyDocument).map((statement) => ({ stack, role, statement })),
        );
      }
      if (r.Type === 'AWS::IAM::Role') {
        return list(p.Policies as { PolicyDocument: Json }[]).flatMap((policy) =>
          statementsOf(policy.PolicyDocument).map((statement) => ({ stack, role: id, statement })),
        );
      }
      return [];
    });
  });

/** CloudFormation values as readable strings: `arn:<AWS::Partition>:ses:…`. */
const render = (value: Json): string => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, Json>;
  if ('Ref' in v) return `<${String(v.Ref)}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::ImportValue' in v) return `<Import:${render(v['Fn::ImportValue'])}>`;
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, Json[]];
    return parts.map(render).join(separator);
  }
  return JSON.stringify(value);
};

const built = synthTessera();
const templates = { data: built.data, api: built.api, observability: built.observability };
const grants = grantsOf(templates);
const roleOf = (group: RouteGroup) =>
  built.stacks.api.getLogicalId(built.stacks.api.functions[group].role.node.defaultChild as never);
const keyId = built.stacks.data.getLogicalId(
  built.stacks.data.signingKey.node.defaultChild as never,
);

/** The value behind an `Fn::ImportValue` of the data stack's exports. */
const dataExport = (resource: Json): string => {
  const name = render((resource as { 'Fn::ImportValue': Json })['Fn::ImportValue']);
  const outputs = built.data.toJSON().Outputs as Record<
    string,
    { Value: Json; Export?: { Name: string } }
  >;
  const output = Object.values(outputs).find((o) => o.Export?.Name === name);
  if (!output) throw new Error(`No data export named ${name}`);
  return render(output.Value);
};

const environmentOf = (template: Template) =>
  Object.fromEntries(
    Object.entries(template.findResources('AWS::Lambda::Function')).map(([id, f]) => [
      id,
      (f as { Properties: { Environment: { Variables: Record<string, Json> } } }).Properties
        .Environment.Variables,
    ]),
  );
const functionId = (group: RouteGroup) =>
  built.stacks.api.getLogicalId(built.stacks.api.functions[group].fn.node.defaultChild as never);

const sendActions = [
  'ses:SendEmail',
  'ses:SendRawEmail',
  'ses:SendTemplatedEmail',
  'ses:SendBulkEmail',
  'ses:SendBulkTemplatedEmail',
];

describe('license signing', () => {
  it('only the instance and relay functions may kms:Sign, and only with the signing key', () => {
    const signers = grants.filter((g) => allows(g.statement, 'kms:Sign'));
    expect(new Set(signers.map((g) => `${g.stack}/${g.role}`))).toEqual(
      new Set([`api/${roleOf('instance')}`, `api/${roleOf('relay')}`]),
    );
    for (const { statement } of signers) {
      const resources = list(statement.Resource);
      expect(resources).toHaveLength(1);
      expect(resources).not.toContain('*');
      expect(dataExport(resources[0])).toBe(`<${keyId}.Arn>`);
      expect(statement.Condition).toBeUndefined();
      expect(new Set(list(statement.Action))).toEqual(new Set(signingActions));
    }
  });

  it('no role holds kms:* or any KMS action on every resource', () => {
    for (const { statement } of grants) {
      const actions = list(statement.Action);
      expect(actions.some((a) => /^(kms:)?\*$/i.test(a))).toBe(false);
      if (actions.some((a) => a.toLowerCase().startsWith('kms:'))) {
        expect(list(statement.Resource)).not.toContain('*');
      }
    }
  });

  it('attaches no AWS-managed policy that could grant signing or sending unseen', () => {
    const managed = Object.values(templates).flatMap((t) =>
      Object.values(t.findResources('AWS::IAM::Role')).flatMap((r) =>
        list((r as { Properties: { ManagedPolicyArns?: Json[] } }).Properties.ManagedPolicyArns),
      ),
    );
    // Only API Gateway's account-level logging role (APIG6) and the function CDK adds to copy
    // the console's files have one, and both write logs only.
    expect(managed.map(render).sort()).toEqual([
      'arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
      'arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    ]);
  });

  it('is an ECC_NIST_P256 SIGN_VERIFY key, retained, named by a stage alias', () => {
    built.data.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Description: 'Tessera dev: signs license files (ES256 JWS), key "k1"',
      }),
    });
    const key = built.data.toJSON().Resources[keyId];
    expect(key.Properties.EnableKeyRotation).toBeUndefined(); // KMS rotates symmetric keys only
    built.data.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/tessera-dev-license-signing',
      TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
  });

  it('leaves access to IAM: the key policy trusts the account and names no role or service', () => {
    const statements = built.data.toJSON().Resources[keyId].Properties.KeyPolicy.Statement as {
      Principal: Json;
    }[];
    for (const statement of statements) {
      expect(render((statement.Principal as { AWS: Json }).AWS)).toBe(
        'arn:<AWS::Partition>:iam::<AWS::AccountId>:root',
      );
    }
  });

  it('tells the signing functions (instance, relay), and them alone, which key signs', () => {
    const environment = environmentOf(built.api);
    for (const group of Object.keys(groups) as RouteGroup[]) {
      const variables = environment[functionId(group)] ?? {};
      if (group === 'instance' || group === 'relay') {
        expect(dataExport(variables.SIGNING_KEY_ID)).toBe(`<${keyId}.Arn>`);
      } else {
        expect(variables).not.toHaveProperty('SIGNING_KEY_ID');
      }
      // Not configured for dev: no retired keys to publish.
      expect(variables).not.toHaveProperty('RETIRED_SIGNING_KEYS');
    }
  });
});

describe('key rotation by stage configuration', () => {
  const oldKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    format: 'jwk',
  });
  const retired = { keys: [{ ...oldKey, kid: '1234abcd-12ab-34cd-56ef-1234567890ab' }] };
  const rotated = synthTessera(
    withStage('dev', { signingKeys: ['k1', 'k2'], retiredSigningKeys: JSON.stringify(retired) }),
  );
  const idOf = (name: string) => {
    const key = rotated.stacks.data.signingKeys.get(name);
    if (!key) throw new Error(`no key ${name}`);
    return rotated.stacks.data.getLogicalId(key.node.defaultChild as never);
  };
  const instanceId = rotated.stacks.api.getLogicalId(
    rotated.stacks.api.functions.instance.fn.node.defaultChild as never,
  );
  const instance = rotated.api.toJSON().Resources[instanceId].Properties.Environment.Variables;

  it('holds both keys, retained, exports both, and signs with the last one listed', () => {
    expect(
      Object.keys(rotated.data.findResources('AWS::KMS::Key', { DeletionPolicy: 'Retain' })),
    ).toHaveLength(2);
    const exported = Object.values(
      rotated.data.toJSON().Outputs as Record<string, { Value: Json; Export?: Json }>,
    )
      .filter((o) => o.Export)
      .map((o) => render(o.Value));
    expect(exported).toEqual(
      expect.arrayContaining([`<${idOf('k1')}.Arn>`, `<${idOf('k2')}.Arn>`]),
    );
    expect(render(instance.SIGNING_KEY_ID)).toContain('LicenseSigningKeyk2');
    rotated.data.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/tessera-dev-license-signing',
      TargetKeyId: { 'Fn::GetAtt': [idOf('k2'), 'Arn'] },
    });
    const signers = grantsOf({ api: rotated.api }).filter((g) => allows(g.statement, 'kms:Sign'));
    expect(signers.map((g) => render(g.statement.Resource))).toEqual([
      render(instance.SIGNING_KEY_ID),
      render(instance.SIGNING_KEY_ID),
    ]);
  });

  it('publishes the retired public keys through RETIRED_SIGNING_KEYS, compact and public only', () => {
    expect(JSON.parse(instance.RETIRED_SIGNING_KEYS)).toEqual({
      keys: [{ ...retired.keys[0], alg: 'ES256', use: 'sig' }],
    });
    expect(instance.RETIRED_SIGNING_KEYS).not.toMatch(/\s|"d"/);
  });

  it('keeps signing with an earlier key while a new one is only being published', () => {
    const staged = synthTessera(
      withStage('dev', { signingKeys: ['k1', 'k2'], activeSigningKey: 'k1' }),
    );
    const fn = staged.stacks.api.functions.instance.fn.node.defaultChild as never;
    const variables =
      staged.api.toJSON().Resources[staged.stacks.api.getLogicalId(fn)].Properties.Environment
        .Variables;
    expect(render(variables.SIGNING_KEY_ID)).toContain('LicenseSigningKeyk1');
  });

  it('rejects a configuration that could not work, at synth time', () => {
    const stageOf = (changes: Record<string, unknown>) => {
      const context = withStage('dev', changes) as Record<string, unknown>;
      return () => loadStageConfig((key) => context[key]);
    };
    expect(stageOf({ signingKeys: ['k1'], activeSigningKey: 'k2' })).toThrow(
      /activeSigningKey: 'k2' is not one of signingKeys \(k1\)/,
    );
    expect(stageOf({ signingKeys: ['k1', 'k1'] })).toThrow(/signingKeys: Names must be unique/);
    expect(stageOf({ signingKeys: ['K 1'] })).toThrow(/signingKeys\.0/);
    expect(stageOf({ retiredSigningKeys: '{"keys":[{"kty":"RSA"}]}' })).toThrow(
      /retiredSigningKeys: not a JWKS of public P-256 keys/,
    );
    const offCurve = { ...retired.keys[0], y: retired.keys[0]?.x };
    expect(stageOf({ retiredSigningKeys: { keys: [offCurve] } })).toThrow(/retiredSigningKeys/);
    const many = { keys: Array.from({ length: 20 }, (_, i) => ({ ...oldKey, kid: `k${i}` })) };
    expect(stageOf({ retiredSigningKeys: many })).toThrow(/4 KB environment/);
  });
});

describe('e-mail', () => {
  it('only the activation (codes) and people (invitations) functions may send e-mail', () => {
    for (const action of sendActions) {
      const senders = grants.filter((g) => allows(g.statement, action));
      const expected =
        action === 'ses:SendEmail'
          ? [`api/${roleOf('activation')}`, `api/${roleOf('people')}`]
          : [];
      expect(senders.map((g) => `${g.stack}/${g.role}`).sort(), action).toEqual(expected.sort());
    }
  });

  it('sends only as the stage’s sender, through its identity and the configuration set', () => {
    const [sender] = grants.filter((g) => allows(g.statement, 'ses:SendEmail'));
    const arn = (resource: string) =>
      `arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:${resource}`;
    expect(list(sender?.statement.Resource).map(render).sort()).toEqual(
      [
        arn('identity/licensing@example.com'),
        arn('identity/example.com'),
        arn('configuration-set/tessera-dev'),
        ...TEMPLATE_KINDS.flatMap((kind) => [
          arn(`template/tessera-dev-${kind}`),
          arn(`template/tessera-dev-${kind}-it`),
        ]),
      ].sort(),
    );
    expect(list(sender?.statement.Action)).toEqual(['ses:SendEmail']);
    expect(sender?.statement.Condition).toEqual({
      StringEquals: { 'ses:FromAddress': 'licensing@example.com' },
    });
  });

  it('has a configuration set with reputation metrics, TLS required and suppression on', () => {
    built.api.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'tessera-dev',
      ReputationOptions: { ReputationMetricsEnabled: true },
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
    // The vendor verifies its own sender identity (docs/deploy.md); no stack owns it.
    built.api.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });

  it('tells the functions that send e-mail, and only them, the sender and configuration set', () => {
    const environment = environmentOf(built.api);
    for (const group of Object.keys(groups) as RouteGroup[]) {
      const variables = environment[functionId(group)] ?? {};
      if (group === 'activation' || group === 'people') {
        expect(variables.SENDER_ADDRESS).toBe('licensing@example.com');
        expect(variables.SES_CONFIGURATION_SET).toBe('tessera-dev');
      } else {
        expect(variables).not.toHaveProperty('SENDER_ADDRESS');
        expect(variables).not.toHaveProperty('SES_CONFIGURATION_SET');
      }
    }
  });
});
