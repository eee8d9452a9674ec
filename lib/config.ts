import * as z from 'zod';
import { parsePublicJwks } from '../lambdas/adapters/jwks.ts';
import { brandProblems, DEFAULT_BRAND } from '../lambdas/domain/email-templates.ts';
import { languages } from '../lambdas/domain/language.ts';
import { senderTrusts } from '../lambdas/domain/mail-trust.ts';
import { type JobName, jobNames } from '../lambdas/jobs/catalog.ts';

/**
 * Stage configuration, read from cdk.json context (`tessera:stages`, selected by
 * `-c tessera:stage=<name>`) and validated once, so a typo fails the synth with a clear message
 * instead of deploying something half-configured.
 */
const retentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653,
] as const;

/** A label for one KMS signing key of a stage (`k1`, `2026-06`): part of its alias and construct id. */
const SigningKeyName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,19}$/, 'lower-case letters, digits and -, at most 20');

/**
 * Lambda allows 4 KB for all of a function's environment variables together; a JWK takes about
 * 200 bytes, so this leaves room for a handful of retired keys and everything else.
 */
const RETIRED_KEYS_MAX_CHARS = 2_000;

/**
 * Public keys still published in the JWKS after a rotation: a JWKS (`{"keys":[…]}`) as a JSON
 * string, as cdk.json JSON, or an array of JWKs. Checked here exactly as the instance function
 * will parse it (public P-256 keys with a kid, points on the curve), then passed on compact.
 */
const RetiredSigningKeys = z
  .union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
  .transform((value, ctx) => {
    try {
      const keys = parsePublicJwks(typeof value === 'string' ? value : JSON.stringify(value));
      const json = JSON.stringify({ keys });
      if (json.length > RETIRED_KEYS_MAX_CHARS) {
        ctx.addIssue({
          code: 'custom',
          message: `${keys.length} keys take ${json.length} characters; at most ${RETIRED_KEYS_MAX_CHARS} fit Lambda's 4 KB environment`,
        });
        return z.NEVER;
      }
      return keys.length > 0 ? json : undefined;
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `not a JWKS of public P-256 keys with a kid: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      });
      return z.NEVER;
    }
  });

/**
 * Per stage, a job's schedule may be switched off (the function stays deployable and can be run by
 * hand) or run at another rate than the catalog's. Lambda's timeout stays the catalog's.
 */
const JobSchedule = z.strictObject({
  enabled: z.boolean().default(true),
  everyMinutes: z.number().int().min(1).max(1_440).optional(),
});

const Jobs = z
  .strictObject({
    schedules: z
      .partialRecord(z.enum(jobNames as [JobName, ...JobName[]]), JobSchedule)
      .default({}),
    /** Days before a license's end on which the notifications job sends a reminder. */
    reminderOffsetDays: z
      .array(z.number().int().min(1).max(365))
      .min(1)
      .max(10)
      .refine((days) => new Set(days).size === days.length, { message: 'Days must be unique' })
      .default([30, 7, 1]),
  })
  .default({ schedules: {}, reminderOffsetDays: [30, 7, 1] });

const Alarms = z
  .strictObject({
    /** API Gateway's p99 latency above this for 15 minutes alarms. */
    apiLatencyP99Ms: z.number().int().min(100).max(29_000),
  })
  .default({ apiLatencyP99Ms: 2_000 });

const Concurrency = z
  .strictObject({
    /** Reserved for each scheduled job: a job always has room to run, and never more than this. */
    jobs: z.number().int().min(1).max(10),
    /**
     * The most concurrent executions of each function that serves unauthenticated routes (health,
     * OpenAPI, activation, instance, validation): a flood there cannot take the account's
     * concurrency from the rest. Reserved, so the account needs room for it (docs/deploy.md).
     */
    openRoutes: z.number().int().min(1).max(1_000),
  })
  .default({ jobs: 1, openRoutes: 50 });

const ActivationBounds = z
  .strictObject({
    /** Activations of one license waiting for their code at once. */
    maxPendingPerLicense: z.number().int().min(1).max(100),
    /** Codes e-mailed for one license per clock hour, resends included. */
    codeEmailsPerLicensePerHour: z.number().int().min(1).max(1000),
  })
  .default({ maxPendingPerLicense: 5, codeEmailsPerLicensePerHour: 10 });

/** A provider's name in the pool: what the console's button and the callback's check go by. */
const ProviderName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,31}$/, 'letters, digits and -, at most 32');

const FederatedProvider = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('oidc'),
    name: ProviderName,
    label: z.string().min(1).max(60).describe('The sign-in button says “Sign in with <label>”'),
    issuerUrl: z.url(),
    clientId: z.string().min(1),
    /** A Secrets Manager secret holding the client secret: never in the stage's config. */
    clientSecretName: z.string().min(1),
    scopes: z.array(z.string()).default(['openid', 'email', 'profile']),
  }),
  z.strictObject({
    type: z.literal('saml'),
    name: ProviderName,
    label: z.string().min(1).max(60),
    metadataUrl: z.url(),
    /** The assertion attribute holding the e-mail address. */
    emailAttribute: z
      .string()
      .default('http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'),
  }),
]);

/**
 * The vendor's own staff sign in through their company's identity provider (SAML or OIDC):
 * Cognito federates it behind a hosted domain. Only people invited as vendor staff get in.
 */
const Federation = z.strictObject({
  domainPrefix: z
    .string()
    .regex(
      /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
      'the Cognito domain prefix, e.g. acme-licenses',
    ),
  providers: z
    .array(FederatedProvider)
    .min(1)
    .max(5)
    .refine((list) => new Set(list.map((p) => p.name)).size === list.length, 'names must differ'),
});
export type Federation = z.infer<typeof Federation>;

export const StageConfig = z.strictObject({
  development: z
    .boolean()
    .default(false)
    .describe(
      'A stage for trying Tessera out: placeholders and an unstated account are allowed. Every other stage must name real addresses, its account and its region',
    ),
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional()
    .describe('The AWS account the stage deploys to'),
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'an AWS region such as eu-west-1')
    .optional()
    .describe('The AWS region the stage deploys to'),
  alarmEmail: z.email().describe('Receives every alarm of the stage'),
  senderAddress: z.email().describe('SES identity that sends activation codes and reminders'),
  supportAddress: z
    .email()
    .optional()
    .describe(
      'Receives support mail through SES receiving: mail to it opens and answers tickets (docs/support.md). Without it, no receiving is set up',
    ),
  supportSenderTrust: z
    .enum(senderTrusts)
    .default('dmarc-not-failed')
    .describe(
      "When a support mail's From line is believed: dmarc-not-failed (unless DMARC failed) or dmarc-pass (only when DMARC passed; mail from domains without DMARC waits for triage)",
    ),
  brand: z
    .strictObject({
      name: z.string(),
      colour: z.string(),
      logoUrl: z.string().optional(),
      supportAddress: z.string().optional(),
    })
    .superRefine((brand, ctx) => {
      for (const problem of brandProblems(brand))
        ctx.addIssue({ code: 'custom', message: problem });
    })
    .default(DEFAULT_BRAND)
    .describe(
      "The vendor's brand in every e-mail and page: name, colour (#rrggbb), logoUrl (https), supportAddress",
    ),
  defaultLanguage: z
    .enum(languages)
    .default('en')
    .describe('The language of e-mails and pages for customers and people who set none'),
  corsOrigins: z.array(z.url()).default([]),
  throttling: z
    .strictObject({
      rateLimit: z.number().int().min(1).max(10_000),
      burstLimit: z.number().int().min(1).max(5_000),
    })
    .default({ rateLimit: 100, burstLimit: 200 }),
  waf: z
    .strictObject({
      requestsPer5MinutesPerIp: z.number().int().min(100).max(2_000_000_000),
      instanceRequestsPer5MinutesPerIp: z.number().int().min(100).max(2_000_000_000),
    })
    .default({ requestsPer5MinutesPerIp: 3_000, instanceRequestsPer5MinutesPerIp: 300 }),
  logRetentionDays: z
    .number()
    .refine((d) => (retentionDays as readonly number[]).includes(d), {
      message: `One of ${retentionDays.join(', ')}`,
    })
    .default(90),
  signingKeys: z
    .array(SigningKeyName)
    .min(1)
    .max(4)
    .refine((names) => new Set(names).size === names.length, { message: 'Names must be unique' })
    .default(['k1'])
    .describe('The KMS license-signing keys the stage holds; add one to rotate (docs/deploy.md)'),
  activeSigningKey: SigningKeyName.optional().describe(
    'The key of signingKeys that signs license files; default the last one listed',
  ),
  retiredSigningKeys: RetiredSigningKeys.optional().describe(
    'Public keys the JWKS keeps publishing besides the active key (JWKS JSON)',
  ),
  jobs: Jobs.describe('Scheduled jobs: a schedule off or at another rate; reminder days'),
  alarms: Alarms.describe('Alarm thresholds that differ between stages'),
  concurrency: Concurrency.describe(
    'Reserved concurrency: per scheduled job, and the cap on each function of open routes',
  ),
  activation: ActivationBounds.describe(
    'Bounds on what a leaked license key can do: pending activations, code e-mails per hour',
  ),
  identity: z
    .strictObject({
      mfa: z.enum(['optional', 'off']).default('optional'),
      /** Where people sign in (the console's address); invitation e-mails link to it. */
      consoleUrl: z.url().optional(),
      federation: Federation.optional(),
    })
    .default({ mfa: 'optional' })
    .describe(
      'People who sign in: whether they may add a TOTP second factor; the console URL; the staff’s own identity providers',
    ),
  console: z
    .strictObject({
      domainName: z
        .string()
        .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'a host name such as licenses.acme.com'),
      certificateArn: z
        .string()
        .regex(
          /^arn:aws:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]+$/,
          'an ACM certificate in us-east-1 (CloudFront reads certificates only there)',
        ),
    })
    .optional()
    .describe('The console (and the API beside it) on the vendor’s own host name'),
});

export type StageConfig = Omit<z.infer<typeof StageConfig>, 'activeSigningKey'> & {
  name: string;
  /** Always set after loading: the one key that signs. */
  activeSigningKey: string;
};

const StageName = z.string().regex(/^[a-z][a-z0-9-]{1,15}$/, 'lower-case letters, digits and -');

export const loadStageConfig = (context: (key: string) => unknown): StageConfig => {
  const name = StageName.safeParse(context('tessera:stage') ?? 'dev');
  if (!name.success) throw new Error(`tessera:stage: ${name.error.issues[0]?.message}`);
  const stages = z.record(z.string(), z.unknown()).safeParse(context('tessera:stages') ?? {});
  const raw = stages.success ? stages.data[name.data] : undefined;
  if (raw === undefined) {
    const known = stages.success ? Object.keys(stages.data).join(', ') : 'none';
    throw new Error(
      `No stage '${name.data}' under 'tessera:stages' in cdk.json (known: ${known}).`,
    );
  }
  const parsed = StageConfig.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  tessera:stages.${name.data}.${i.path.join('.')}: ${i.message}`,
    );
    throw new Error(`Invalid stage configuration:\n${lines.join('\n')}`);
  }
  const { signingKeys } = parsed.data;
  const activeSigningKey = parsed.data.activeSigningKey ?? signingKeys[signingKeys.length - 1];
  if (activeSigningKey === undefined || !signingKeys.includes(activeSigningKey)) {
    throw new Error(
      `Invalid stage configuration:\n  tessera:stages.${name.data}.activeSigningKey: ` +
        `'${activeSigningKey}' is not one of signingKeys (${signingKeys.join(', ')})`,
    );
  }
  const stage = { ...parsed.data, activeSigningKey, name: name.data };
  refuseUnfinished(stage);
  return stage;
};

/** Domains reserved for documentation (RFC 2606, RFC 6761): mail to them goes nowhere. */
const PLACEHOLDER_DOMAIN =
  /@(?:[\w-]+\.)*(?:example\.(?:com|net|org)|example|test|invalid|localhost)$/i;

/**
 * A stage that is not a development one goes live: it must say where it deploys and use
 * addresses that reach someone. Refused here, at synth, with what to set, rather than deployed
 * with alarms that reach no one and e-mails SES rejects.
 */
const refuseUnfinished = (stage: StageConfig) => {
  if (stage.development) return;
  const key = (name: string) => `tessera:stages.${stage.name}.${name}`;
  const problems: string[] = [];
  for (const name of ['alarmEmail', 'senderAddress', 'supportAddress'] as const) {
    const address = stage[name];
    if (address !== undefined && PLACEHOLDER_DOMAIN.test(address)) {
      problems.push(
        `  ${key(name)}: '${address}' is a placeholder; set a real address (docs/deploy.md, section 1)`,
      );
    }
  }
  for (const name of ['account', 'region'] as const) {
    if (stage[name] === undefined) {
      problems.push(
        `  ${key(name)}: missing; a stage that goes live names its ${name === 'account' ? '12-digit account id' : 'region (e.g. eu-west-1)'}, so a synth never falls back to whatever the deployer's credentials point at`,
      );
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `Stage '${stage.name}' is not ready to deploy (or mark it "development": true in cdk.json to try it out):\n${problems.join('\n')}`,
    );
  }
};
