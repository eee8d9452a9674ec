import { jobHandler } from '../handler.ts';
import { notifications } from '../notifications.ts';

export const handler = jobHandler('notifications', notifications);
