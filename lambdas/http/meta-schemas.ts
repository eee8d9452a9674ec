import { z } from 'zod';

export const HealthView = z.object({
  status: z.literal('ok'),
  service: z.literal('tessera'),
  version: z.string(),
  stage: z.string(),
  time: z.iso.datetime(),
});
