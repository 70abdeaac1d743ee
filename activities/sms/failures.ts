import { ApplicationFailure } from '@temporalio/common';

/**
 * Failure types the SMS activities throw. Workflows match on these strings; everything not listed as
 * non-retryable here (a gateway outage, a 5xx, a timeout before anything was sent) is worth retrying.
 * A recipient the provider refuses (invalid number, blacklisted, no balance) is *not* an error: it is
 * recorded on its `sms_logs` row and returned.
 */
export const SMS_FAILURES = {
  /** Wrong username or API key (HTTP 401): configuration, no retry will fix it. Non-retryable. */
  authFailed: 'SmsAuthFailed',
  /** The provider refused the request itself (other 4xx). Non-retryable. */
  invalidRequest: 'SmsInvalidRequest',
  /** Not a Kenyan mobile number. Non-retryable. */
  invalidPhone: 'SmsInvalidPhone',
  /** Unknown template, or a placeholder with no value. Non-retryable. */
  invalidTemplate: 'SmsInvalidTemplate',
  /** 5xx or the network: nothing was accepted. Retryable. */
  gatewayUnavailable: 'SmsGatewayUnavailable',
} as const;

export type SmsFailureType = (typeof SMS_FAILURES)[keyof typeof SMS_FAILURES];

export function refuse(message: string, type: SmsFailureType, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type, ...(details ? [details] : []));
}
