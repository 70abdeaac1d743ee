import { secretsFrom } from '../../config/env';
import type { WebSecrets } from '../../web/server/auth';

/** The development keys, as a web server started without SESSION_SECRET/ENCRYPTION_KEY uses them. */
export const testSecrets: WebSecrets = { ...secretsFrom({}), secureCookies: false };
