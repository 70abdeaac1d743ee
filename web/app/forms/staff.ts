import { z } from 'zod';
import { STAFF_ROLES, type StaffRole } from '../../../db/queries/staff';
import { passwordProblem } from '../auth/password.server';
import { choice, email, text } from './fields';

/** Roles an ISP's admin may hand out: super admins belong to no ISP and are made elsewhere. */
export const TENANT_ROLES = STAFF_ROLES.filter((r): r is Exclude<StaffRole, 'super_admin'> => r !== 'super_admin') as [Exclude<StaffRole, 'super_admin'>, ...Exclude<StaffRole, 'super_admin'>[]];

/** A password someone will sign in with, held to the same rule everywhere. */
export const newPassword = (label = 'a password') =>
  text(label, 200).superRefine((v, ctx) => {
    const problem = passwordProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const staffCreateSchema = z.object({
  name: text('a name', 120, 2),
  email: email(),
  role: choice('a role', TENANT_ROLES),
  password: newPassword('an initial password'),
});

export const staffDetailsSchema = z.object({
  name: text('a name', 120, 2),
  role: choice('a role', TENANT_ROLES),
});

export const staffPasswordSchema = z.object({ newPassword: newPassword('a new password') });
