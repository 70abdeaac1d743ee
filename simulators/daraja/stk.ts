import type { Logger } from '../../config/logger';
import type { Background } from './background';
import { ControlError } from './control-error';
import { eatDigits } from './clock';
import type { Deliveries } from './deliveries';
import { checkoutRequestId, merchantRequestId, receiptNumber } from './ids';
import { outcomeFor, STK_OUTCOMES, type StkOutcome } from './outcomes';
import type { SimulatorSettings } from './settings';
import type { PushRequest } from './stk-validation';

/** Per-push overrides of the global duplicate/drop settings. */
export interface DeliveryFlags {
  duplicate?: boolean;
  drop?: boolean;
}

export interface StkTransaction {
  kind: 'stk';
  merchantRequestId: string;
  checkoutRequestId: string;
  shortcode: string;
  transactionType: PushRequest['transactionType'];
  phone: string;
  amount: number;
  accountReference: string;
  description: string;
  callbackUrl: string;
  createdAt: string;
  status: 'pending' | 'completed';
  outcome?: StkOutcome;
  resultCode?: number;
  resultDesc?: string;
  receipt?: string;
  /** EAT `YYYYMMDDHHmmss`, as in the callback's TransactionDate. */
  transactionDate?: string;
  completedAt?: string;
  flags: DeliveryFlags;
  /** Callback POSTs made for this push (0 when dropped, 2 when duplicated). */
  callbackAttempts: number;
}

export class StkPushes {
  private readonly byCheckout = new Map<string, StkTransaction>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly receipts = new Set<string>();

  constructor(
    private readonly deps: {
      settings: SimulatorSettings;
      background: Background;
      deliveries: Deliveries;
      receiptTaken: (id: string) => boolean;
      logger?: Logger;
    },
  ) {}

  list(): StkTransaction[] {
    return [...this.byCheckout.values()].map((t) => ({ ...t, flags: { ...t.flags } }));
  }

  get(checkoutRequestId: string): StkTransaction | undefined {
    const t = this.byCheckout.get(checkoutRequestId);
    return t && { ...t, flags: { ...t.flags } };
  }

  hasReceipt(id: string): boolean {
    return this.receipts.has(id);
  }

  /** M-Pesa refuses a second prompt while the phone still shows one. */
  isLocked(phone: string): boolean {
    return [...this.byCheckout.values()].some((t) => t.status === 'pending' && t.phone === phone);
  }

  accept(request: PushRequest): StkTransaction {
    const now = new Date();
    let id = checkoutRequestId(now, request.phone);
    // The subscriber lock already stops one phone pushing twice in a millisecond; this keeps IDs unique regardless.
    for (let bump = 1; this.byCheckout.has(id); bump += 1) id = checkoutRequestId(new Date(now.getTime() + bump), request.phone);
    const push: StkTransaction = {
      kind: 'stk',
      merchantRequestId: merchantRequestId(),
      checkoutRequestId: id,
      shortcode: request.shortcode,
      transactionType: request.transactionType,
      phone: request.phone,
      amount: request.amount,
      accountReference: request.accountReference,
      description: request.description,
      callbackUrl: request.callbackUrl,
      createdAt: now.toISOString(),
      status: 'pending',
      flags: {},
      callbackAttempts: 0,
    };
    this.byCheckout.set(id, push);
    this.deps.logger?.info({ checkoutRequestId: id, phone: push.phone, amount: push.amount, accountReference: push.accountReference }, 'STK push accepted');
    if (!this.deps.settings.manual) this.schedule(push);
    return { ...push };
  }

  /** After demo mode is switched off, pushes still waiting for a hand get their scripted ending. */
  scheduleWaiting(): void {
    for (const push of this.byCheckout.values()) {
      if (push.status === 'pending' && !this.timers.has(push.checkoutRequestId)) this.schedule(push);
    }
  }

  private schedule(push: StkTransaction): void {
    const timer = this.deps.background.later(this.deps.settings.callbackDelayMs, () => this.complete(push, outcomeFor(push)));
    this.timers.set(push.checkoutRequestId, timer);
  }

  /** The customer's answer, by hand (demo mode, `/_sim/phone`) or ahead of the scheduled one. */
  decide(checkoutRequestId: string, outcome: StkOutcome): StkTransaction {
    const push = this.pending(checkoutRequestId);
    this.deps.background.cancel(this.timers.get(checkoutRequestId));
    this.deps.background.track(this.complete(push, outcome));
    return this.get(checkoutRequestId)!;
  }

  setFlags(checkoutRequestId: string, flags: DeliveryFlags): StkTransaction {
    Object.assign(this.pending(checkoutRequestId).flags, flags);
    return this.get(checkoutRequestId)!;
  }

  private pending(checkoutRequestId: string): StkTransaction {
    const push = this.byCheckout.get(checkoutRequestId);
    if (!push) throw new ControlError(404, `no STK push ${checkoutRequestId}`);
    if (push.status !== 'pending') throw new ControlError(409, `STK push ${checkoutRequestId} already ended (${push.outcome})`);
    return push;
  }

  /** Settles the push (STK Query sees it at once), then sends the callback unless it is dropped. */
  private async complete(push: StkTransaction, outcome: StkOutcome): Promise<void> {
    const now = new Date();
    const { resultCode, resultDesc } = STK_OUTCOMES[outcome];
    this.timers.delete(push.checkoutRequestId);
    Object.assign(push, { status: 'completed', outcome, resultCode, resultDesc, completedAt: now.toISOString() });
    if (resultCode === 0) {
      push.receipt = receiptNumber(now, (id) => this.receipts.has(id) || this.deps.receiptTaken(id));
      push.transactionDate = eatDigits(now);
      this.receipts.add(push.receipt);
    }
    this.deps.logger?.info({ checkoutRequestId: push.checkoutRequestId, resultCode, receipt: push.receipt }, 'STK push completed');

    const body = callbackBody(push);
    const { settings, deliveries } = this.deps;
    if (push.flags.drop ?? settings.dropCallbacks) {
      deliveries.recordDropped('stk-callback', push.checkoutRequestId, push.callbackUrl, body);
      return;
    }
    const copies = (push.flags.duplicate ?? settings.duplicateCallbacks) ? 2 : 1;
    for (let i = 0; i < copies; i += 1) {
      push.callbackAttempts += 1;
      await deliveries.post('stk-callback', push.checkoutRequestId, push.callbackUrl, body);
    }
  }
}

/** The exact body Safaricom POSTs to CallBackURL: numbers where it sends numbers, items looked up by Name. */
function callbackBody(push: StkTransaction) {
  const result = {
    MerchantRequestID: push.merchantRequestId,
    CheckoutRequestID: push.checkoutRequestId,
    ResultCode: push.resultCode,
    ResultDesc: push.resultDesc,
  };
  if (push.resultCode !== 0) return { Body: { stkCallback: result } };
  return {
    Body: {
      stkCallback: {
        ...result,
        CallbackMetadata: {
          Item: [
            { Name: 'Amount', Value: push.amount },
            { Name: 'MpesaReceiptNumber', Value: push.receipt },
            // Older callbacks carry Balance without a Value; newer ones leave it out.
            { Name: 'Balance' },
            { Name: 'TransactionDate', Value: Number(push.transactionDate) },
            { Name: 'PhoneNumber', Value: Number(push.phone) },
          ],
        },
      },
    },
  };
}
