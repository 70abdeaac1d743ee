import { createHash } from 'node:crypto';
import type { Logger } from '../../config/logger';
import type { Background } from './background';
import { eatDigits } from './clock';
import type { Deliveries } from './deliveries';
import { receiptNumber } from './ids';
import type { SimulatorSettings } from './settings';

export interface C2bRegistration {
  shortCode: string;
  responseType: 'Completed' | 'Cancelled';
  confirmationUrl: string;
  validationUrl?: string;
  /** v1 sends a SHA-256 of the MSISDN, v2 a masked number. */
  version: 'v1' | 'v2';
  registeredAt: string;
}

export interface C2bTransaction {
  kind: 'c2b';
  transId: string;
  shortCode: string;
  commandId: 'CustomerPayBillOnline' | 'CustomerBuyGoodsOnline';
  amount: number;
  msisdn: string;
  billRefNumber: string;
  createdAt: string;
  status: 'pending' | 'confirmed' | 'rejected' | 'cancelled' | 'unregistered';
  /** The C2B000xx code the merchant's ValidationURL answered with, when it refused. */
  rejectedWith?: string;
}

const SHORTCODE = /^\d{5,7}$/;
const MSISDN = /^254[17]\d{8}$/;
// Reported: Daraja refuses C2B URLs that mention M-Pesa or Safaricom.
const FORBIDDEN_IN_URL = /mpesa|m-pesa|safaricom/i;

function isRegistrableUrl(v: unknown): v is string {
  if (typeof v !== 'string' || !URL.canParse(v) || FORBIDDEN_IN_URL.test(v)) return false;
  return ['http:', 'https:'].includes(new URL(v).protocol);
}

export class C2bPayments {
  private readonly registrations = new Map<string, C2bRegistration>();
  private readonly payments = new Map<string, C2bTransaction>();
  private readonly balances = new Map<string, number>();

  constructor(
    private readonly deps: {
      settings: SimulatorSettings;
      background: Background;
      deliveries: Deliveries;
      receiptTaken: (id: string) => boolean;
      logger?: Logger;
    },
  ) {}

  list(): C2bTransaction[] {
    return [...this.payments.values()].map((p) => ({ ...p }));
  }

  listRegistrations(): C2bRegistration[] {
    return [...this.registrations.values()].map((r) => ({ ...r }));
  }

  hasTransId(id: string): boolean {
    return this.payments.has(id);
  }

  /** Returns the registration, or the field Daraja would call invalid. */
  register(body: Record<string, unknown>, version: 'v1' | 'v2'): C2bRegistration | { field: string } {
    const b = body;
    if (!SHORTCODE.test(String(b.ShortCode ?? ''))) return { field: 'ShortCode' };
    if (b.ResponseType !== 'Completed' && b.ResponseType !== 'Cancelled') return { field: 'ResponseType' };
    if (!isRegistrableUrl(b.ConfirmationURL)) return { field: 'ConfirmationURL' };
    if (b.ValidationURL !== undefined && b.ValidationURL !== '' && !isRegistrableUrl(b.ValidationURL)) return { field: 'ValidationURL' };
    const registration: C2bRegistration = {
      shortCode: String(b.ShortCode),
      responseType: b.ResponseType,
      confirmationUrl: b.ConfirmationURL,
      ...(typeof b.ValidationURL === 'string' && b.ValidationURL ? { validationUrl: b.ValidationURL } : {}),
      version,
      registeredAt: new Date().toISOString(),
    };
    this.registrations.set(registration.shortCode, registration);
    this.deps.logger?.info(registration, 'C2B URLs registered');
    return { ...registration };
  }

  /** A customer paying from the M-Pesa menu: acknowledged now, notified after the callback delay. */
  simulate(body: Record<string, unknown>): C2bTransaction | { field: string } {
    const b = body;
    const amount = Number(b.Amount);
    if (!SHORTCODE.test(String(b.ShortCode ?? ''))) return { field: 'ShortCode' };
    if (b.CommandID !== 'CustomerPayBillOnline' && b.CommandID !== 'CustomerBuyGoodsOnline') return { field: 'CommandID' };
    if (!(typeof b.Amount === 'number' || typeof b.Amount === 'string') || !Number.isInteger(amount) || amount <= 0) return { field: 'Amount' };
    if (!MSISDN.test(String(b.Msisdn ?? ''))) return { field: 'Msisdn' };
    if (b.CommandID === 'CustomerPayBillOnline' && (typeof b.BillRefNumber !== 'string' || !b.BillRefNumber)) return { field: 'BillRefNumber' };

    const now = new Date();
    const payment: C2bTransaction = {
      kind: 'c2b',
      transId: receiptNumber(now, (id) => this.payments.has(id) || this.deps.receiptTaken(id)),
      shortCode: String(b.ShortCode),
      commandId: b.CommandID,
      amount,
      msisdn: String(b.Msisdn),
      billRefNumber: typeof b.BillRefNumber === 'string' ? b.BillRefNumber : '',
      createdAt: now.toISOString(),
      status: 'pending',
    };
    this.payments.set(payment.transId, payment);
    this.deps.background.later(this.deps.settings.callbackDelayMs, () => this.notify(payment, now));
    return { ...payment };
  }

  /** Validation first (when registered): a refusal ends the payment, an unreachable validator follows ResponseType. */
  private async notify(payment: C2bTransaction, at: Date): Promise<void> {
    const registration = this.registrations.get(payment.shortCode);
    if (!registration) {
      payment.status = 'unregistered';
      return;
    }
    if (registration.validationUrl) {
      const body = notificationBody(payment, registration, at, '');
      const answer = await this.deps.deliveries.post('c2b-validation', payment.transId, registration.validationUrl, body);
      const resultCode = answer.outcome === 'delivered' ? resultCodeOf(answer.responseBody) : undefined;
      if (resultCode !== undefined && resultCode !== '0') {
        Object.assign(payment, { status: 'rejected', rejectedWith: resultCode });
        return;
      }
      if (resultCode === undefined && registration.responseType === 'Cancelled') {
        payment.status = 'cancelled';
        return;
      }
    }

    const balance = (this.balances.get(payment.shortCode) ?? 0) + payment.amount;
    this.balances.set(payment.shortCode, balance);
    payment.status = 'confirmed';
    const body = notificationBody(payment, registration, at, balance.toFixed(2));
    const { settings, deliveries } = this.deps;
    if (settings.dropCallbacks) {
      deliveries.recordDropped('c2b-confirmation', payment.transId, registration.confirmationUrl, body);
      return;
    }
    for (let i = 0; i < (settings.duplicateCallbacks ? 2 : 1); i += 1) {
      await deliveries.post('c2b-confirmation', payment.transId, registration.confirmationUrl, body);
    }
  }
}

function resultCodeOf(responseBody: string | undefined): string | undefined {
  try {
    const code = (JSON.parse(responseBody ?? '') as { ResultCode?: unknown }).ResultCode;
    return code === undefined ? undefined : String(code);
  } catch {
    return undefined;
  }
}

function maskedMsisdn(msisdn: string, version: 'v1' | 'v2'): string {
  if (version === 'v1') return createHash('sha256').update(msisdn).digest('hex');
  return `${msisdn.slice(0, 4)} ***** ${msisdn.slice(-3)}`;
}

/** Validation and confirmation share this body; every value is a string. */
function notificationBody(payment: C2bTransaction, registration: C2bRegistration, at: Date, orgAccountBalance: string) {
  return {
    TransactionType: payment.commandId === 'CustomerPayBillOnline' ? 'Pay Bill' : 'Buy Goods',
    TransID: payment.transId,
    TransTime: eatDigits(at),
    TransAmount: payment.amount.toFixed(2),
    BusinessShortCode: payment.shortCode,
    BillRefNumber: payment.billRefNumber,
    InvoiceNumber: '',
    OrgAccountBalance: orgAccountBalance,
    ThirdPartyTransID: '',
    MSISDN: maskedMsisdn(payment.msisdn, registration.version),
    FirstName: 'John',
    MiddleName: '',
    LastName: '',
  };
}
