import { randomBytes } from 'node:crypto';

/** `ATXid_` plus 32 hex digits, the shape of Africa's Talking message ids. */
export const newMessageId = () => `ATXid_${randomBytes(16).toString('hex')}`;
