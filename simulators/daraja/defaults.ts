/** What the simulator answers to when started with no options: Safaricom's public sandbox values. */
export const SIM_CONSUMER_KEY = 'mtandao-key';
export const SIM_CONSUMER_SECRET = 'mtandao-secret';
export const SANDBOX_SHORTCODE = '174379';
// Published by Safaricom for the sandbox paybill 174379; not a secret.
export const SANDBOX_PASSKEY = 'bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919';
// Daraja's tokens live an hour and report one second less.
export const TOKEN_TTL_SECONDS = 3599;
export const CALLBACK_DELAY_MS = 1500;
