import { z } from 'zod';

/**
 * Stage configuration, read from cdk.json context (`tessera:stages`, selected by
 * `-c tessera:stage=<name>`) and validated once, so a typo fails the synth with a clear message
 * instead of deploying something half-configured.
 */
const retentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653,
] as const;

export const StageConfig = z.strictObject({
  alarmEmail: z.email().describe('Receives every alarm of the stage'),
  senderAddress: z.email().describe('SES identity that sends activation codes and reminders'),
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
});
export type StageConfig = z.infer<typeof StageConfig> & { name: string };

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
  return { ...parsed.data, name: name.data };
};
