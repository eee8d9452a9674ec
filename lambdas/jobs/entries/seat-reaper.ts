import { jobHandler } from '../handler.ts';
import { seatReaper } from '../seat-jobs.ts';

export const handler = jobHandler('seat-reaper', seatReaper);
