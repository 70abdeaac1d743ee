import type { Logger } from '../../config/logger';
import type { Background } from './background';

export type DeliveryKind = 'stk-callback' | 'c2b-validation' | 'c2b-confirmation';

/** One POST the simulator made (or, when dropped, deliberately did not make) to a merchant URL. */
export interface Delivery {
  id: number;
  kind: DeliveryKind;
  /** CheckoutRequestID for STK callbacks, TransID for C2B. */
  reference: string;
  url: string;
  body: unknown;
  at: string;
  /** `sending` until the merchant answers; `failed` covers both an error status and no answer at all. */
  outcome: 'sending' | 'delivered' | 'failed' | 'dropped';
  statusCode?: number;
  responseBody?: string;
  error?: string;
}

// Safaricom gives up on a slow merchant endpoint quickly; so does the simulator.
const DELIVERY_TIMEOUT_MS = 8000;

/** POSTs callbacks once each, as Safaricom does: a failed delivery is recorded, never retried. */
export class Deliveries {
  private readonly log: Delivery[] = [];

  constructor(
    private readonly background: Background,
    private readonly logger?: Logger,
  ) {}

  list(): Delivery[] {
    return this.log.map((d) => ({ ...d }));
  }

  forReference(reference: string): Delivery[] {
    return this.list().filter((d) => d.reference === reference);
  }

  recordDropped(kind: DeliveryKind, reference: string, url: string, body: unknown): Delivery {
    this.logger?.info({ kind, reference, url }, 'callback dropped on purpose');
    return this.add({ kind, reference, url, body, outcome: 'dropped' });
  }

  async post(kind: DeliveryKind, reference: string, url: string, body: unknown): Promise<Delivery> {
    const delivery = this.add({ kind, reference, url, body, outcome: 'sending' });
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.any([AbortSignal.timeout(DELIVERY_TIMEOUT_MS), this.background.signal]),
      });
      delivery.statusCode = res.status;
      delivery.responseBody = await res.text();
      delivery.outcome = res.ok ? 'delivered' : 'failed';
    } catch (err) {
      delivery.outcome = 'failed';
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
      delivery.error = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
    }
    this.logger?.info({ kind, reference, url, outcome: delivery.outcome, statusCode: delivery.statusCode, error: delivery.error }, 'callback sent');
    return { ...delivery };
  }

  private add(fields: Omit<Delivery, 'id' | 'at'>): Delivery {
    const delivery: Delivery = { id: this.log.length + 1, at: new Date().toISOString(), ...fields };
    this.log.push(delivery);
    return delivery;
  }
}
