import { selfSignedCertificate } from './cert';
import { startControlServer } from './control';
import { type Faults, faultsSchema, NO_FAULTS } from './faults';
import { RESOURCE_PATH } from './menus';
import { type Change, Trap, type Row } from './model';
import { SimulatedRouter } from './router';
import { ApiServer } from './server';
import type { DialResult, Rates } from './sessions';
import { parseVersion } from './version';

export interface RouterOsSimulatorOptions {
  host?: string;
  /** API port; 0 (the default) picks a free one. */
  port?: number;
  /** API-SSL port; 0 (the default) picks a free one, false runs no TLS listener. */
  tlsPort?: number | false;
  /** HTTP control API port; 0 (the default) picks a free one, false runs none. */
  controlPort?: number | false;
  user?: string;
  password?: string;
  /** RouterOS version to behave as, e.g. `7.18` (sends `!empty`) or `6.49.10`. */
  version?: string;
  identity?: string;
}

export interface SimulatorState {
  version: string;
  identity: string;
  credentials: { user: string; password: string };
  clock: string;
  faults: Faults;
  connections: number;
  menus: Record<string, Row[]>;
  sessions: ReturnType<SimulatedRouter['sessions']['snapshot']>;
}

export type LoginResult = { ok: true; id: string } | { ok: false; reason: string };

/** What the control API offers, callable in-process by tests and by `npm start`. */
export interface RouterOsControls {
  state(): SimulatorState;
  dialPppoe(request: { name: string; password: string; callerId?: string } & Partial<Rates>): DialResult;
  hangUpPppoe(name: string): number;
  joinHotspot(device: { mac: string; address?: string }): Row;
  hotspotLogin(request: { user: string; password: string; mac: string; address?: string } & Partial<Rates>): LoginResult;
  logOutHotspot(who: { user?: string; mac?: string }): number;
  /** Rates for the named subscriber, or for everyone and every later session when none is named. */
  setRates(request: Rates & { ppp?: string; hotspot?: string }): number;
  advanceClock(seconds: number): void;
  setFaults(faults: Partial<Faults>): Promise<Faults>;
  clearFaults(): Promise<Faults>;
  setCredentials(credentials: { user?: string; password?: string }): void;
  setVersion(version: string): void;
  /** Every configuration change as it happens (what `listen` commands follow); returns the unsubscribe. In-process only. */
  watch(listener: (change: Change) => void): () => void;
}

export interface RouterOsSimulator {
  host: string;
  port: number;
  tlsPort?: number;
  controlUrl?: string;
  controls: RouterOsControls;
  stop(): Promise<void>;
}

// Sessions settle on every command anyway; the tick ends timed-out hotspot users for listen clients too.
const SETTLE_INTERVAL_MS = 1000;

/** A RouterOS router on the wire: API, API-SSL and a JSON control API, all on loopback by default. */
export async function startRouterOsSimulator(options: RouterOsSimulatorOptions = {}): Promise<RouterOsSimulator> {
  const host = options.host ?? '127.0.0.1';
  const router = new SimulatedRouter({
    version: options.version ?? '7.18',
    user: options.user ?? 'admin',
    password: options.password ?? 'mtandao',
    identity: options.identity,
  });
  let faults: Faults = { ...NO_FAULTS };
  const tlsPort = options.tlsPort ?? 0;
  const api = new ApiServer(router, () => faults, {
    host,
    port: options.port ?? 0,
    tls: tlsPort === false ? undefined : { port: tlsPort, ...selfSignedCertificate('routeros-simulator') },
  });
  await api.start();
  const ticker = setInterval(() => router.sessions.settle(), SETTLE_INTERVAL_MS);
  ticker.unref();

  const controls: RouterOsControls = {
    state() {
      router.sessions.settle();
      const menus: Record<string, Row[]> = Object.fromEntries(router.model.paths().map((path) => [path, router.model.list(path)]));
      menus[RESOURCE_PATH] = [router.resource()];
      return {
        version: router.version.text,
        identity: router.model.list('/system/identity')[0]?.name ?? '',
        credentials: { ...router.credentials },
        clock: new Date(router.clock.now()).toISOString(),
        faults: { ...faults },
        connections: api.connectionCount(),
        menus,
        sessions: router.sessions.snapshot(),
      };
    },
    watch(listener) {
      router.model.changes.on('change', listener);
      return () => router.model.changes.off('change', listener);
    },
    dialPppoe: ({ upBps, downBps, ...request }) => router.sessions.dialPppoe({ ...request, rates: rates(upBps, downBps) }),
    hangUpPppoe: (name) => router.sessions.hangUpPpp(name),
    joinHotspot: (device) => router.sessions.joinHotspot(device),
    hotspotLogin({ user, password, mac, address, upBps, downBps }) {
      router.sessions.joinHotspot({ mac, address });
      try {
        // The captive portal's login form; http-chap is the hotspot's default login-by.
        return { ok: true, id: router.sessions.hotspotLogin({ user, password, mac, loginBy: 'http-chap', rates: rates(upBps, downBps) }) };
      } catch (error) {
        if (error instanceof Trap) return { ok: false, reason: error.message };
        throw error;
      }
    },
    logOutHotspot: (who) => router.sessions.logOutHotspot(who),
    setRates: ({ upBps, downBps, ...who }) => router.sessions.setRates({ upBps, downBps }, who),
    advanceClock(seconds) {
      router.sessions.settle();
      router.clock.advance(seconds * 1000);
      router.sessions.settle();
    },
    async setFaults(partial) {
      faults = faultsSchema.parse({ ...faults, ...partial });
      await api.applyFaults();
      return { ...faults };
    },
    async clearFaults() {
      faults = { ...NO_FAULTS };
      await api.applyFaults();
      return { ...faults };
    },
    setCredentials({ user, password }) {
      if (user !== undefined) router.credentials.user = user;
      if (password !== undefined) router.credentials.password = password;
    },
    setVersion(version) {
      router.version = parseVersion(version);
    },
  };

  const control = options.controlPort === false ? undefined : await startControlServer(controls, host, options.controlPort ?? 0);
  return {
    host,
    port: api.port,
    tlsPort: api.tlsPort,
    controlUrl: control?.url,
    controls,
    async stop() {
      clearInterval(ticker);
      await Promise.all([api.stop(), control?.stop()]);
    },
  };
}

function rates(upBps: number | undefined, downBps: number | undefined): Partial<Rates> {
  return { ...(upBps === undefined ? {} : { upBps }), ...(downBps === undefined ? {} : { downBps }) };
}
