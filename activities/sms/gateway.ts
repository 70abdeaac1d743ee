/** What a provider did with one recipient of a send. */
export interface SmsRecipientResult {
  /** 2547XXXXXXXX, as stored in `sms_logs`. */
  phone: string;
  /** `sent` (accepted: 100/101/102), else `failed` or `rejected` with the provider's reason. */
  status: 'sent' | 'failed' | 'rejected';
  providerStatus: string;
  providerStatusCode: number;
  /** The provider's id, which delivery reports quote; absent when refused. */
  messageId?: string;
  costCents?: number;
}

export interface SmsSendRequest {
  /** 2547XXXXXXXX or 2541XXXXXXXX; the gateway sends them as E.164 with `+`. */
  to: string[];
  message: string;
  /** Registered alphanumeric sender id; the provider's default when absent. */
  from?: string;
}

/**
 * Sends SMS through one provider. Per-recipient refusals come back as results, never as a thrown error;
 * a thrown error means the request as a whole failed (an ApplicationFailure typed by SMS_FAILURES).
 */
export interface SmsGateway {
  readonly provider: string;
  send(request: SmsSendRequest): Promise<SmsRecipientResult[]>;
  /** The account balance as the provider words it, e.g. `KES 1785.50`. */
  balance(): Promise<string>;
}
