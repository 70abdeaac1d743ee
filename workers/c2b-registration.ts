import { paymentWebhookPaths } from '../activities/mpesa/activities';
import { createDarajaClient, type DarajaConfig } from '../activities/mpesa/daraja-client';
import type { Logger } from '../config/logger';

export interface C2bRegistrationSettings extends DarajaConfig {
  /** Where Daraja reaches the web server (PUBLIC_URL). */
  publicUrl: string;
  /** PAYMENT_WEBHOOK_TOKEN: the secret path segment. */
  webhookToken: string;
}

export type C2bRegistrationResult =
  | { registered: true; validationUrl: string; confirmationUrl: string }
  | { registered: false; error: string };

/**
 * Tells Daraja where paybill payments for the shortcode are validated and confirmed
 * (`PUBLIC_URL/api/webhooks/payments/c2b/<token>/validation` · `/confirmation`). Run at worker start;
 * best-effort: a failure is logged and returned, never thrown, so the worker keeps running (the URLs stay
 * as last registered, and the next start tries again).
 */
export async function registerC2bUrlsOnStart(settings: C2bRegistrationSettings, log: Logger): Promise<C2bRegistrationResult> {
  // The token is a secret: logs show the path with a placeholder.
  const shown = (url: string) => url.replace(`/${encodeURIComponent(settings.webhookToken)}/`, '/<token>/');
  let confirmationUrl = '';
  try {
    const validationUrl = new URL(paymentWebhookPaths.c2bValidation(settings.webhookToken), settings.publicUrl).toString();
    confirmationUrl = new URL(paymentWebhookPaths.c2bConfirmation(settings.webhookToken), settings.publicUrl).toString();
    const client = createDarajaClient(settings);
    const res = await client.registerC2bUrls({ shortCode: settings.shortcode, validationUrl, confirmationUrl, responseType: 'Completed' });
    log.info(
      { shortcode: settings.shortcode, validationUrl: shown(validationUrl), confirmationUrl: shown(confirmationUrl), response: res.responseDescription },
      'C2B URLs registered with Daraja',
    );
    return { registered: true, validationUrl, confirmationUrl };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    log.error(
      { shortcode: settings.shortcode, baseUrl: settings.baseUrl, confirmationUrl: shown(confirmationUrl), error },
      `C2B URL registration failed (paybill payments may not reach Mtandao until it succeeds; retried at next worker start): ${error}`,
    );
    return { registered: false, error };
  }
}
