import { languages } from './domain/language.ts';
import { senderTrusts } from './domain/mail-trust.ts';
import * as z from './domain/zod.ts';

/**
 * Runtime configuration, parsed once at cold start. CDK sets these variables on every function;
 * the local runtime sets them in its own process before loading any handler.
 */
const Config = z.object({
  TABLE_NAME: z.string().min(1).default('tessera'),
  STAGE: z.string().min(1).default('local'),
  /** Comma-separated list of allowed browser origins; empty means no CORS headers at all. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
    ),
  /** Set only by the local runtime and the tests: DynamoDB Local's URL. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** KMS key (id or ARN) that signs license files in AWS. */
  SIGNING_KEY_ID: z.string().min(1).optional(),
  /** Local runtime only: the P-256 PEM that stands in for KMS. */
  SIGNING_KEY_FILE: z.string().min(1).optional(),
  /** Retired public keys still published in the JWKS after a rotation (JSON JWKS or JWK array). */
  RETIRED_SIGNING_KEYS: z.string().optional(),
  /** SES sender identity (AWS). */
  SENDER_ADDRESS: z.email().default('licensing@tessera.local'),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /**
   * The vendor's brand (JSON: name, colour, logoUrl, supportAddress; wiring/brand.ts reads
   * it): what pages show and the outbox renders into e-mails. On AWS the SES templates carry
   * it, deployed from the stage's config.
   */
  BRAND: z.string().optional(),
  /** The language of e-mails to readers whose language nobody set. */
  DEFAULT_LANGUAGE: z.enum(languages).default('en'),
  /** When a received mail's From line is believed (domain/mail-trust.ts). */
  MAIL_SENDER_TRUST: z.enum(senderTrusts).default('dmarc-not-failed'),
  /** The bucket of ticket attachments and received e-mails (AWS). */
  FILES_BUCKET: z.string().min(1).optional(),
  /** Local runtime: the folder that stands in for FILES_BUCKET. */
  FILES_DIR: z.string().min(1).default('.tessera/files'),
  /** Local runtime only: write e-mails as .eml files here instead of sending them. */
  OUTBOX_DIR: z.string().min(1).optional(),
  /** Days before a license's end at which a reminder goes out, e.g. `30,7,1`. */
  REMINDER_OFFSET_DAYS: z
    .string()
    .default('30,7,1')
    .transform((value) =>
      value
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean)
        .map(Number),
    )
    .pipe(z.array(z.number().int().min(1).max(365)).min(1)),
  /** Activations of one license waiting for their code at once; more starts answer 429. */
  ACTIVATION_MAX_PENDING: z.coerce.number().int().min(1).max(100).default(5),
  /** Activation codes e-mailed for one license per clock hour (starts and resends). */
  ACTIVATION_CODE_EMAILS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(10),
  /** How long a relay's seat allotment lasts unless renewed (docs/relay.md). */
  RELAY_ALLOTMENT_SECONDS: z.coerce.number().int().min(10).max(86_400).default(3600),
  /** The stage's Cognito user pool and its app client; without them nobody signs in. */
  USER_POOL_ID: z.string().min(1).optional(),
  USER_POOL_CLIENT_ID: z.string().min(1).optional(),
  /**
   * Local runtime only: the Cognito emulator's token issuer. Never set on AWS, where only the
   * stage's own pool is trusted (adapters/person-tokens.ts says why).
   */
  IDENTITY_LOCAL_ISSUER: z.url().optional(),
  /**
   * Federated sign-in (the stage's identity.federation): the pool's hosted domain, the
   * providers offered as `[{ name, label }]`, and the app client's registered callback.
   */
  IDENTITY_DOMAIN: z.url().optional(),
  IDENTITY_PROVIDERS: z
    .string()
    .default('[]')
    .transform((text) => JSON.parse(text) as unknown)
    .pipe(z.array(z.object({ name: z.string(), label: z.string() })).max(10)),
  IDENTITY_CALLBACK_URL: z.url().optional(),
  /** Whether people may add an authenticator app (the stage's identity.mfa). */
  IDENTITY_MFA: z.enum(['optional', 'off']).default('off'),
  /** Where people sign in; invitation e-mails link to it. */
  CONSOLE_URL: z.url().default('http://localhost:8080/'),
  TESSERA_VERSION: z.string().default('0.1.0'),
});

export type Config = z.infer<typeof Config>;

let cached: Config | undefined;

export const config = (): Config => {
  cached ??= Config.parse(process.env);
  return cached;
};
