/**
 * Per-recipient outcomes, chosen by the last three digits of the number (or a control-API override).
 * Status names and codes are Africa's Talking's (integration-facts §2.4); success is 100/101/102.
 */
export const RECIPIENT_STATUSES = {
  101: 'Success',
  102: 'Queued',
  401: 'RiskHold',
  402: 'InvalidSenderId',
  403: 'InvalidPhoneNumber',
  404: 'UnsupportedNumberType',
  405: 'InsufficientBalance',
  406: 'UserInBlacklist',
  407: 'CouldNotRoute',
  409: 'DoNotDisturbRejection',
  500: 'InternalServerError',
  501: 'GatewayError',
  502: 'RejectedByGateway',
} as const;

export type RecipientStatusCode = keyof typeof RECIPIENT_STATUSES;
export const isRecipientStatusCode = (n: unknown): n is RecipientStatusCode =>
  typeof n === 'number' && Object.prototype.hasOwnProperty.call(RECIPIENT_STATUSES, n);

/** A number ending in one of these is refused with that status code at send time. */
const ENDING_CODES: Record<string, RecipientStatusCode> = { '403': 403, '405': 405, '406': 406, '407': 407, '409': 409 };

/** Accepted at send time, but the delivery report says Failed with this reason. */
const DLR_FAILURE_ENDINGS: Record<string, string> = { '499': 'DeliveryFailure', '498': 'UserIsInactive' };

export interface Scenario {
  statusCode: RecipientStatusCode;
  /** For accepted messages: the final delivery report, `Success` or `Failed` with a reason. */
  dlrFailureReason?: string;
}

export function scenarioFor(number: string, overrides: ReadonlyMap<string, Scenario>): Scenario {
  const override = overrides.get(number);
  if (override) return override;
  const ending = number.slice(-3);
  const code = ENDING_CODES[ending];
  if (code) return { statusCode: code };
  const dlrFailureReason = DLR_FAILURE_ENDINGS[ending];
  return dlrFailureReason ? { statusCode: 101, dlrFailureReason } : { statusCode: 101 };
}

export const isAccepted = (code: number) => code === 100 || code === 101 || code === 102;
