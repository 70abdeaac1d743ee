import { z } from 'zod';
import type { RouterInput } from '../../../db/queries/routers';
import { checkbox, optionalInteger, optionalText, text } from './fields';

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A hostname or an IPv4/IPv6 address; "10.0.0.300" looks like an address, so it must be a valid one. */
const host = () =>
  z
    .string({ required_error: "Enter the router's address" })
    .max(253)
    .refine((v) => (/^[\d.]+$/.test(v) ? z.string().ip({ version: 'v4' }).safeParse(v).success : HOSTNAME.test(v) || z.string().ip({ version: 'v6' }).safeParse(v).success), {
      message: 'Enter a hostname like core.example.co.ke or an IP address like 10.0.0.1',
    });

const fields = z.object({
  name: text('a name', 60, 2),
  host: host(),
  apiPort: optionalInteger('the API port', 1, 65_535),
  useTls: checkbox(),
  username: text('the API username', 64),
  password: text('the API password', 128).optional(),
  site: optionalText('the site', 120),
});

// The clear password only ever travels from here to encryptSecret; RouterInput carries the sealed form.
const toInput = (r: z.infer<typeof fields>): Omit<RouterInput, 'passwordEnc'> & { password: string | undefined } => ({
  name: r.name,
  host: r.host,
  // RouterOS listens on 8728 for the plain API and 8729 for api-ssl.
  apiPort: r.apiPort ?? (r.useTls ? 8729 : 8728),
  useTls: r.useTls,
  username: r.username,
  password: r.password,
  site: r.site,
});

/** Editing: a blank password keeps the stored one, since the form never shows it. */
export const routerEditSchema = fields.transform(toInput);

export const routerCreateSchema = fields.extend({ password: text('the API password', 128) }).transform(toInput);
