import { z } from 'zod';
import { choice, email, text } from './fields';
import { newPassword } from './staff';

export const TENANT_STATUSES = ['pending', 'active', 'suspended'] as const;

/** A new ISP and the admin who will run it, created together so no ISP is ever left without one. */
export const tenantCreateSchema = z.object({
  name: text('the ISP name', 120, 2),
  slug: z
    .string({ required_error: 'Enter a short name' })
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, 'Use 3 to 40 lowercase letters, digits and dashes, like kahawa-net'),
  status: choice('a status', [...TENANT_STATUSES]),
  adminName: text("the admin's name", 120, 2),
  adminEmail: email("the admin's email address"),
  adminPassword: newPassword('an initial password'),
});
