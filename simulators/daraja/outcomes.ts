/** How an STK push ends, with the ResultCode and ResultDesc the callback and the query report. */
export const STK_OUTCOMES = {
  success: { resultCode: 0, resultDesc: 'The service request is processed successfully.' },
  'insufficient-funds': { resultCode: 1, resultDesc: 'The balance is insufficient for the transaction.' },
  'subscriber-locked': { resultCode: 1001, resultDesc: 'Unable to lock subscriber, a transaction is already in process for the current subscriber' },
  expired: { resultCode: 1019, resultDesc: 'Transaction has expired' },
  'push-failed': { resultCode: 1025, resultDesc: 'An error occurred while sending a push request' },
  cancelled: { resultCode: 1032, resultDesc: 'Request cancelled by user' },
  unreachable: { resultCode: 1037, resultDesc: 'DS timeout user cannot be reached' },
  'wrong-pin': { resultCode: 2001, resultDesc: 'The initiator information is invalid.' },
} as const;

export type StkOutcome = keyof typeof STK_OUTCOMES;
export const isStkOutcome = (value: unknown): value is StkOutcome => typeof value === 'string' && value in STK_OUTCOMES;

/** Test numbers: the last four digits of the paying phone choose the ending; any other number pays. */
const BY_LAST_FOUR: Record<string, StkOutcome> = {
  '0001': 'insufficient-funds',
  '1001': 'subscriber-locked',
  '1019': 'expired',
  '1032': 'cancelled',
  '1037': 'unreachable',
  '2001': 'wrong-pin',
};

export function outcomeFor(push: { phone: string; description: string }): StkOutcome {
  // Reported: an over-long TransactionDesc makes the push itself fail.
  if (push.description.length > 182) return 'push-failed';
  return BY_LAST_FOUR[push.phone.slice(-4)] ?? 'success';
}
