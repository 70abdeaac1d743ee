import type { Logger } from '../../config/logger';
import { smsSize } from '../../domain/sms';
import { Background } from '../daraja/background';
import { DLR_DELAY_MS, SEGMENT_COST_KES, SIM_API_KEY, SIM_USERNAME, START_BALANCE_KES } from './defaults';
import { newMessageId } from './ids';
import { isAccepted, RECIPIENT_STATUSES, scenarioFor, type Scenario } from './scenarios';
import { settingsPatchSchema, type SimulatorSettings } from './settings';

/** One recipient of one send, as the simulator answered it and as the phone received it. */
export interface SimMessage {
  /** `ATXid_…` for accepted messages, `None` for refused ones (as the real API answers). */
  messageId: string;
  number: string;
  from: string | null;
  text: string;
  statusCode: number;
  status: string;
  cost: string;
  /** Delivery state: `Sent` on acceptance, then `Success` or `Failed` from the delivery report. */
  deliveryStatus: 'Sent' | 'Success' | 'Failed' | null;
  failureReason: string | null;
  at: string;
  requestId: number;
}

/** One delivery report POST the simulator made. */
export interface DlrDelivery {
  messageId: string;
  url: string;
  body: Record<string, string>;
  at: string;
  outcome: 'sending' | 'delivered' | 'failed';
  statusCode?: number;
  error?: string;
}

export interface CoreOptions extends Partial<SimulatorSettings> {
  username?: string;
  apiKey?: string;
  logger?: Logger;
}

export type SimulatorCore = ReturnType<typeof createSimulatorCore>;

const kes = (amount: number) => `KES ${amount.toFixed(4)}`;
const NETWORK_CODES: Record<string, string> = { '7': '63902', '1': '63902' };

export function createSimulatorCore(options: CoreOptions) {
  const settings: SimulatorSettings = {
    dlrUrl: options.dlrUrl ?? null,
    dlrDelayMs: options.dlrDelayMs ?? DLR_DELAY_MS,
    duplicateDlr: options.duplicateDlr ?? false,
    responseDelayMs: options.responseDelayMs ?? 0,
    balanceKes: options.balanceKes ?? START_BALANCE_KES,
  };
  const background = new Background();
  const messages: SimMessage[] = [];
  const dlrs: DlrDelivery[] = [];
  const overrides = new Map<string, Scenario>();
  let requestCount = 0;

  async function postDlr(message: SimMessage, body: Record<string, string>): Promise<void> {
    const url = settings.dlrUrl;
    if (!url) return;
    const delivery: DlrDelivery = { messageId: message.messageId, url, body, at: new Date().toISOString(), outcome: 'sending' };
    dlrs.push(delivery);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
        signal: AbortSignal.any([AbortSignal.timeout(8000), background.signal]),
      });
      delivery.statusCode = res.status;
      await res.text();
      delivery.outcome = res.ok ? 'delivered' : 'failed';
    } catch (err) {
      delivery.outcome = 'failed';
      delivery.error = err instanceof Error ? err.message : String(err);
    }
    options.logger?.info({ messageId: message.messageId, url, outcome: delivery.outcome, statusCode: delivery.statusCode }, 'delivery report sent');
  }

  function scheduleDlr(message: SimMessage, scenario: Scenario): void {
    background.later(settings.dlrDelayMs, async () => {
      const failed = Boolean(scenario.dlrFailureReason);
      message.deliveryStatus = failed ? 'Failed' : 'Success';
      message.failureReason = scenario.dlrFailureReason ?? null;
      const body: Record<string, string> = {
        id: message.messageId,
        status: message.deliveryStatus,
        phoneNumber: message.number,
        networkCode: NETWORK_CODES[message.number.charAt(4)] ?? '63902',
        retryCount: '0',
        ...(scenario.dlrFailureReason ? { failureReason: scenario.dlrFailureReason } : {}),
      };
      const copies = settings.duplicateDlr ? 2 : 1;
      for (let i = 0; i < copies; i++) await postDlr(message, body);
    });
  }

  return {
    settings,
    credentials: { username: options.username ?? SIM_USERNAME, apiKey: options.apiKey ?? SIM_API_KEY },
    background,
    messages,
    dlrs,
    overrides,

    /** Accepts one `POST /version1/messaging`: one entry per recipient, answered like the real API. */
    send(input: { to: string[]; message: string; from: string | null }) {
      const requestId = ++requestCount;
      const segments = Math.max(1, smsSize(input.message).segments);
      const price = segments * SEGMENT_COST_KES;
      const recipients = input.to.map((number) => {
        const scenario = scenarioFor(number, overrides);
        let statusCode: number = scenario.statusCode;
        if (isAccepted(statusCode) && settings.balanceKes < price) statusCode = 405;
        const accepted = isAccepted(statusCode);
        if (accepted) settings.balanceKes = Math.round((settings.balanceKes - price) * 10000) / 10000;
        const status = RECIPIENT_STATUSES[statusCode as keyof typeof RECIPIENT_STATUSES] ?? 'Failed';
        const message: SimMessage = {
          messageId: accepted ? newMessageId() : 'None',
          number,
          from: input.from,
          text: input.message,
          statusCode,
          status,
          cost: accepted ? kes(price) : '0',
          deliveryStatus: accepted ? 'Sent' : null,
          failureReason: null,
          at: new Date().toISOString(),
          requestId,
        };
        messages.push(message);
        if (accepted) scheduleDlr(message, scenario);
        return message;
      });
      const sent = recipients.filter((r) => isAccepted(r.statusCode));
      const total = sent.length * price;
      return {
        SMSMessageData: {
          Message: `Sent to ${sent.length}/${recipients.length} Total Cost: ${kes(total)}`,
          Recipients: recipients.map((r) => ({ statusCode: r.statusCode, number: r.number, status: r.status, cost: r.cost, messageId: r.messageId })),
        },
      };
    },

    /** Applies a validated partial change; throws a ZodError on a bad one. */
    configure(patch: unknown): SimulatorSettings {
      Object.assign(settings, settingsPatchSchema.parse(patch));
      return { ...settings };
    },
  };
}
