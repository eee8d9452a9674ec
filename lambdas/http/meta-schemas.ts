import { validationCodes } from '../domain/activation-rules.ts';
import { languages } from '../domain/language.ts';
import * as z from '../domain/zod.ts';

export const HealthView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    status: z.literal('ok'),
    service: z.literal('tessera'),
    version: z.string(),
    stage: z.string(),
    time: z.iso.datetime(),
  }),
);

export const BrandView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    name: z.string(),
    colour: z.string().describe('#rrggbb'),
    logoUrl: z.string().optional(),
    supportAddress: z.string().optional(),
    defaultLanguage: z.enum(languages),
  }),
);

export const JwksView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    keys: z.array(
      z.object({
        kty: z.literal('EC'),
        crv: z.literal('P-256'),
        x: z.string(),
        y: z.string(),
        kid: z.string(),
        alg: z.literal('ES256'),
        use: z.literal('sig'),
      }),
    ),
  }),
);

export const ReturnedView = /* @__PURE__ */ z.lazy(() =>
  z.object({ activationId: z.string(), status: z.literal('returned') }),
);

export const ValidationView = /* @__PURE__ */ z.lazy(() =>
  z.object({
    valid: z.boolean(),
    code: z.enum(validationCodes),
    licenseId: z.string().optional(),
    product: z.string().optional(),
    modules: z.array(z.string()).optional(),
    validTill: z.string().nullable().optional(),
  }),
);
