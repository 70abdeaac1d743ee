import { ApplicationFailure } from '@temporalio/activity';

/**
 * Failure types the M-Pesa activities throw. Workflows match on these strings (never on class names, which
 * minifiers rename); everything not listed as non-retryable here is worth retrying.
 */
export const MPESA_FAILURES = {
  /** Not whole shillings, or not positive: Daraja takes integer KES only. Non-retryable. */
  invalidAmount: 'InvalidAmount',
  /** Not a Kenyan mobile number. Non-retryable. */
  invalidPhone: 'InvalidPhone',
  /** Empty, or longer than the 12 characters the prompt shows. Non-retryable. */
  invalidAccountReference: 'InvalidAccountReference',
  /** Daraja said `400.002.02 Bad Request - Invalid <Field>` (or another 4xx). Non-retryable. */
  darajaInvalidRequest: 'DarajaInvalidRequest',
  /** Wrong consumer key/secret, passkey or shortcode: a configuration problem, no retry will fix it. */
  darajaAuthFailed: 'DarajaAuthFailed',
  /** The phone already shows an M-Pesa prompt. Retryable, after a minute. */
  darajaSubscriberLocked: 'DarajaSubscriberLocked',
} as const;

export type MpesaFailureType = (typeof MPESA_FAILURES)[keyof typeof MPESA_FAILURES];

export function refuse(message: string, type: MpesaFailureType, details?: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, type, ...(details ? [details] : []));
}
