import type { Logger } from '../../config/logger';
import { Background } from './background';
import { C2bPayments } from './c2b';
import { CALLBACK_DELAY_MS, SANDBOX_PASSKEY, SANDBOX_SHORTCODE, SIM_CONSUMER_KEY, SIM_CONSUMER_SECRET, TOKEN_TTL_SECONDS } from './defaults';
import { Deliveries } from './deliveries';
import { settingsPatchSchema, type SimulatorSettings } from './settings';
import { StkPushes } from './stk';
import { TokenStore } from './tokens';

export interface CoreOptions extends Partial<SimulatorSettings> {
  consumerKey?: string;
  consumerSecret?: string;
  /** Paybill/till numbers this app may use, each with its Lipa Na M-Pesa passkey. Default: sandbox 174379. */
  merchants?: Record<string, string>;
  logger?: Logger;
}

/** A Daraja API call as the simulator answered it, for tests and `/_sim/requests`. */
export interface ApiRequest {
  at: string;
  method: string;
  path: string;
  statusCode: number;
  errorCode?: string;
}

export type SimulatorCore = ReturnType<typeof createSimulatorCore>;

/** All simulator state, shared by the Daraja routes, the control API and the phone page. */
export function createSimulatorCore(options: CoreOptions) {
  const settings: SimulatorSettings = {
    callbackDelayMs: options.callbackDelayMs ?? CALLBACK_DELAY_MS,
    manual: options.manual ?? false,
    duplicateCallbacks: options.duplicateCallbacks ?? false,
    dropCallbacks: options.dropCallbacks ?? false,
    tokenTtlSeconds: options.tokenTtlSeconds ?? TOKEN_TTL_SECONDS,
  };
  const background = new Background();
  const deliveries = new Deliveries(background, options.logger);
  // Receipts and C2B TransIDs come from one M-Pesa number space, so each checks the other.
  const stk: StkPushes = new StkPushes({ settings, background, deliveries, logger: options.logger, receiptTaken: (id) => c2b.hasTransId(id) });
  const c2b: C2bPayments = new C2bPayments({ settings, background, deliveries, logger: options.logger, receiptTaken: (id) => stk.hasReceipt(id) });
  const requests: ApiRequest[] = [];

  return {
    settings,
    credentials: { consumerKey: options.consumerKey ?? SIM_CONSUMER_KEY, consumerSecret: options.consumerSecret ?? SIM_CONSUMER_SECRET },
    merchants: new Map(Object.entries(options.merchants ?? { [SANDBOX_SHORTCODE]: SANDBOX_PASSKEY })),
    tokens: new TokenStore(),
    background,
    deliveries,
    stk,
    c2b,
    requests,

    /** Applies a validated partial change; throws a ZodError on a bad one. */
    configure(patch: unknown): SimulatorSettings {
      const wasManual = settings.manual;
      Object.assign(settings, settingsPatchSchema.parse(patch));
      if (wasManual && !settings.manual) stk.scheduleWaiting();
      return { ...settings };
    },
  };
}
