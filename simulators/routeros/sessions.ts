import type { SimClock } from './clock';
import { zeroInterfaceCounters } from './menus';
import { type RouterModel, Trap, type Row } from './model';
import { formatDuration, formatTimestamp, parseDuration, parseRatePair } from './units';

/** Client's view: up is what the subscriber sends, down what they receive. */
export interface Rates {
  upBps: number;
  downBps: number;
}

export type DialResult = { ok: true; id: string; address: string } | { ok: false; reason: string };

// Packet counters are derived from bytes; 1000 bytes is a fair average for mixed web traffic.
const AVERAGE_PACKET_BYTES = 1000;
const ANY_MAC = '00:00:00:00:00:00';
const HOTSPOT_SERVER = 'hotspot1';
// ether1, the first built-in interface, is the uplink.
const UPLINK_ID = '*1';

interface Traffic {
  rates: Rates;
  /** The profile's rate-limit when the session started (0 = none): the router's queue enforces it. */
  cap: Rates;
  upBytes: number;
  downBytes: number;
  startedAt: number;
}

interface PppSession extends Traffic {
  activeId: string;
  name: string;
  callerId: string;
  interfaceId: string;
  queueId?: string;
}

interface HotspotSession extends Traffic {
  activeId: string;
  user: string;
  userId: string;
  hostId: string;
  mac: string;
  limitUptime?: number;
}

interface UserTotals {
  uptime: number;
  upBytes: number;
  downBytes: number;
}

/**
 * Subscribers connected to the simulated router: PPPoE dial-ins and hotspot logins, each with a
 * `/ppp/active` or `/ip/hotspot/active` row whose counters grow with simulated time. Counters are
 * brought up to date by `settle()`, which the router calls before answering anything.
 */
export class Sessions {
  defaultRates: Rates = { upBps: 1_000_000, downBps: 4_000_000 };
  private readonly ppp = new Map<string, PppSession>();
  private readonly hotspot = new Map<string, HotspotSession>();
  private readonly userTotals = new Map<string, UserTotals>();
  /** Bytes through ether1, the uplink: subscribers' downloads come in on it, their uploads go out. */
  private readonly uplink = { rxBytes: 0, txBytes: 0 };
  private lastSettled: number;
  private sessionCounter = 0;

  constructor(
    private readonly model: RouterModel,
    private readonly clock: SimClock,
    /** RouterOS major version, which decides how timestamps are written. */
    private readonly major: () => number,
  ) {
    this.lastSettled = clock.now();
  }

  /** Accrues traffic and uptime up to now and ends hotspot sessions that ran out of uptime. */
  settle(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, (now - this.lastSettled) / 1000);
    this.lastSettled = now;
    for (const session of this.ppp.values()) {
      this.accrue(session, elapsed);
      this.writePpp(session, now);
    }
    for (const session of [...this.hotspot.values()]) {
      const totals = this.totals(session.userId);
      const allowed = session.limitUptime === undefined ? elapsed : Math.min(elapsed, Math.max(0, session.limitUptime - totals.uptime));
      const moved = this.accrue(session, allowed);
      totals.uptime += allowed;
      totals.upBytes += moved.up;
      totals.downBytes += moved.down;
      this.writeHotspot(session, now);
      if (session.limitUptime !== undefined && totals.uptime >= session.limitUptime) this.endHotspot(session.activeId);
    }
    this.model.update('/interface', UPLINK_ID, { 'rx-byte': String(Math.floor(this.uplink.rxBytes)), 'tx-byte': String(Math.floor(this.uplink.txBytes)) }, false);
  }

  dialPppoe(request: { name: string; password: string; callerId?: string; rates?: Partial<Rates> }): DialResult {
    this.settle();
    const secret = this.model.findBy('/ppp/secret', 'name', request.name);
    if (!secret) return { ok: false, reason: 'no such secret' };
    if (secret.password !== request.password) return { ok: false, reason: 'wrong password' };
    if (secret.disabled === 'true') return { ok: false, reason: 'secret is disabled' };
    if (secret.service !== 'any' && secret.service !== 'pppoe') return { ok: false, reason: `secret is for ${secret.service}, not pppoe` };
    const callerId = request.callerId ?? this.nextMac();
    if (secret['caller-id'] && secret['caller-id'] !== callerId) return { ok: false, reason: `caller-id ${callerId} does not match the secret` };
    const profile = this.model.findBy('/ppp/profile', 'name', secret.profile ?? 'default');
    if (profile?.['only-one'] === 'yes' && [...this.ppp.values()].some((s) => s.name === request.name)) {
      return { ok: false, reason: 'profile allows only one session' };
    }

    const address = secret['remote-address'] ?? this.freeAddress('10.10.0', this.model.list('/ppp/active'));
    const interfaceName = `<pppoe-${request.name}>`;
    const sessionNumber = ++this.sessionCounter;
    const { id: activeId } = this.model.insert(
      '/ppp/active',
      {
        name: request.name,
        service: 'pppoe',
        'caller-id': callerId,
        address,
        uptime: '0s',
        encoding: '',
        'session-id': `0x81${sessionNumber.toString(16).toUpperCase().padStart(6, '0')}`,
        'limit-bytes-in': secret['limit-bytes-in'] ?? '0',
        'limit-bytes-out': secret['limit-bytes-out'] ?? '0',
        radius: 'false',
      },
      { dynamic: true },
    );
    const { id: interfaceId } = this.model.insert(
      '/interface',
      { name: interfaceName, type: 'pppoe-in', mtu: '1480', 'actual-mtu': '1480', running: 'true', disabled: 'false', dynamic: 'true', ...zeroInterfaceCounters() },
      { dynamic: true },
    );
    const limit = profile?.['rate-limit'] ? parseRatePair(profile['rate-limit']) : undefined;
    const queueId = limit
      ? this.model.insert('/queue/simple', { ...this.model.blank('/queue/simple'), name: interfaceName, target: interfaceName, 'max-limit': `${limit.rx}/${limit.tx}`, dynamic: 'true' }, { dynamic: true }).id
      : undefined;
    this.ppp.set(activeId, {
      activeId,
      name: request.name,
      callerId,
      interfaceId,
      queueId,
      rates: { ...this.defaultRates, ...request.rates },
      cap: { upBps: limit?.rx ?? 0, downBps: limit?.tx ?? 0 },
      upBytes: 0,
      downBytes: 0,
      startedAt: this.clock.now(),
    });
    return { ok: true, id: activeId, address };
  }

  /** The session behind a `/ppp/active` row ends: its row, interface and queue go, the secret remembers it. */
  endPpp(activeId: string): void {
    this.settle();
    const session = this.ppp.get(activeId);
    if (!session) throw new Trap('no such item');
    this.ppp.delete(activeId);
    this.model.delete('/ppp/active', activeId);
    this.model.delete('/interface', session.interfaceId);
    if (session.queueId) this.model.delete('/queue/simple', session.queueId);
    const secret = this.model.findBy('/ppp/secret', 'name', session.name);
    if (secret) {
      this.model.update('/ppp/secret', secret['.id']!, { 'last-logged-out': formatTimestamp(this.clock.now(), this.major()), 'last-caller-id': session.callerId });
    }
  }

  hangUpPpp(name: string): number {
    const ids = [...this.ppp.values()].filter((s) => s.name === name).map((s) => s.activeId);
    for (const id of ids) this.endPpp(id);
    return ids.length;
  }

  /** A device associates with the hotspot network and shows up in `/ip/hotspot/host`, not yet logged in. */
  joinHotspot(device: { mac: string; address?: string }): Row {
    const mac = device.mac.toUpperCase();
    const known = this.model.findBy('/ip/hotspot/host', 'mac-address', mac);
    if (known) return known;
    const address = device.address ?? this.freeAddress('10.5.50', this.model.list('/ip/hotspot/host'));
    const { id } = this.model.insert(
      '/ip/hotspot/host',
      { 'mac-address': mac, address, 'to-address': address, server: HOTSPOT_SERVER, authorized: 'false', bypassed: 'false', 'idle-time': '0s' },
      { dynamic: true },
    );
    return this.model.get('/ip/hotspot/host', id)!;
  }

  /**
   * `/ip/hotspot/active/login` and the captive portal's login form: a known host plus a valid user.
   * Refusals use the hotspot's own error texts (facts §4.2).
   */
  hotspotLogin(request: { user: string; password: string; ip?: string; mac?: string; loginBy: string; rates?: Partial<Rates> }): string {
    this.settle();
    const mac = request.mac?.toUpperCase();
    const host = this.model
      .list('/ip/hotspot/host')
      .find((h) => (request.ip === undefined || h.address === request.ip) && (mac === undefined || h['mac-address'] === mac));
    // The router's wording for an unknown host is not captured yet; the app must see a trap either way.
    if (!host || (request.ip === undefined && mac === undefined)) throw new Trap('no such host');
    const user = this.model.list('/ip/hotspot/user').find((u) => u.name === request.user && (u.server === 'all' || u.server === HOTSPOT_SERVER));
    if (!user || user.password !== request.password || user.disabled === 'true') throw new Trap('invalid username or password');
    const lockedMac = user['mac-address'];
    if (lockedMac && lockedMac !== ANY_MAC && lockedMac.toUpperCase() !== host['mac-address']) {
      throw new Trap(`invalid username (${request.user}): this MAC address is not yours`);
    }
    const limitUptime = user['limit-uptime'] ? parseDuration(user['limit-uptime']) : undefined;
    if (limitUptime !== undefined && limitUptime > 0 && this.totals(user['.id']!).uptime >= limitUptime) {
      throw new Trap(`user ${request.user} has reached uptime limit`);
    }
    const profile = this.model.findBy('/ip/hotspot/user/profile', 'name', user.profile ?? 'default');
    for (const session of [...this.hotspot.values()]) {
      if (session.hostId === host['.id']) this.endHotspot(session.activeId);
    }
    const shared = Number(profile?.['shared-users'] ?? '1');
    if ([...this.hotspot.values()].filter((s) => s.userId === user['.id']).length >= shared) throw new Trap('no more sessions are allowed for user');

    const limit = profile?.['rate-limit'] ? parseRatePair(profile['rate-limit']) : undefined;
    const { id: activeId } = this.model.insert(
      '/ip/hotspot/active',
      {
        server: HOTSPOT_SERVER,
        user: request.user,
        address: host.address!,
        'mac-address': host['mac-address']!,
        'login-by': request.loginBy,
        uptime: '0s',
        'idle-time': '0s',
        ...(limitUptime ? { 'session-time-left': formatDuration(limitUptime - this.totals(user['.id']!).uptime) } : {}),
        'bytes-in': '0',
        'bytes-out': '0',
        'packets-in': '0',
        'packets-out': '0',
        radius: 'false',
      },
      { dynamic: true },
    );
    this.model.update('/ip/hotspot/host', host['.id']!, { authorized: 'true' });
    this.hotspot.set(activeId, {
      activeId,
      user: request.user,
      userId: user['.id']!,
      hostId: host['.id']!,
      mac: host['mac-address']!,
      limitUptime: limitUptime || undefined,
      rates: { ...this.defaultRates, ...request.rates },
      cap: { upBps: limit?.rx ?? 0, downBps: limit?.tx ?? 0 },
      upBytes: 0,
      downBytes: 0,
      startedAt: this.clock.now(),
    });
    return activeId;
  }

  endHotspot(activeId: string): void {
    const session = this.hotspot.get(activeId);
    if (!session) throw new Trap('no such item');
    this.hotspot.delete(activeId);
    this.model.delete('/ip/hotspot/active', activeId);
    if (this.model.get('/ip/hotspot/host', session.hostId)) this.model.update('/ip/hotspot/host', session.hostId, { authorized: 'false' });
  }

  /** Logs out every hotspot session of a user or a device; answers how many ended. */
  logOutHotspot(who: { user?: string; mac?: string }): number {
    this.settle();
    const mac = who.mac?.toUpperCase();
    const ended = [...this.hotspot.values()].filter((s) => (who.user === undefined || s.user === who.user) && (mac === undefined || s.mac === mac));
    for (const session of ended) this.endHotspot(session.activeId);
    return ended.length;
  }

  /** A host leaving the hotspot (`/ip/hotspot/host/remove`) takes its session with it. */
  forgetHost(hostId: string): void {
    for (const session of [...this.hotspot.values()]) if (session.hostId === hostId) this.endHotspot(session.activeId);
    this.model.delete('/ip/hotspot/host', hostId);
  }

  /** New traffic rates for one subscriber, or for everyone (and every later session) when none is named. */
  setRates(rates: Rates, who: { ppp?: string; hotspot?: string } = {}): number {
    this.settle();
    const everyone = who.ppp === undefined && who.hotspot === undefined;
    const targets: Traffic[] = [
      ...[...this.ppp.values()].filter((s) => everyone || s.name === who.ppp),
      ...[...this.hotspot.values()].filter((s) => everyone || s.user === who.hotspot),
    ];
    if (everyone) this.defaultRates = { ...rates };
    for (const session of targets) session.rates = { ...rates };
    return targets.length;
  }

  /**
   * `/interface/monitor-traffic` in the router's view: a `<pppoe-…>` interface receives its subscriber's
   * upload; ether1, the uplink, receives everyone's download.
   */
  interfaceRates(name: string): { rx: number; tx: number } {
    const sum = (sessions: Traffic[]) =>
      sessions.map(effective).reduce((total, rate) => ({ up: total.up + rate.upBps, down: total.down + rate.downBps }), { up: 0, down: 0 });
    if (name === 'ether1') {
      const all = sum([...this.ppp.values(), ...this.hotspot.values()]);
      return { rx: all.down, tx: all.up };
    }
    const own = sum([...this.ppp.values()].filter((s) => `<pppoe-${s.name}>` === name));
    return { rx: own.up, tx: own.down };
  }

  snapshot() {
    const traffic = (s: Traffic) => ({ rates: s.rates, effectiveRates: effective(s), upBytes: Math.floor(s.upBytes), downBytes: Math.floor(s.downBytes) });
    return {
      defaultRates: this.defaultRates,
      ppp: [...this.ppp.values()].map((s) => ({ id: s.activeId, name: s.name, callerId: s.callerId, ...traffic(s) })),
      hotspot: [...this.hotspot.values()].map((s) => ({ id: s.activeId, user: s.user, mac: s.mac, ...traffic(s) })),
    };
  }

  private accrue(session: Traffic, seconds: number): { up: number; down: number } {
    const rate = effective(session);
    const moved = { up: (rate.upBps / 8) * seconds, down: (rate.downBps / 8) * seconds };
    session.upBytes += moved.up;
    session.downBytes += moved.down;
    this.uplink.rxBytes += moved.down;
    this.uplink.txBytes += moved.up;
    return moved;
  }

  private writePpp(session: PppSession, now: number): void {
    const up = Math.floor(session.upBytes);
    const down = Math.floor(session.downBytes);
    const rate = effective(session);
    this.model.update('/ppp/active', session.activeId, { uptime: formatDuration((now - session.startedAt) / 1000) }, false);
    this.model.update(
      '/interface',
      session.interfaceId,
      { 'rx-byte': String(up), 'tx-byte': String(down), 'rx-packet': String(packets(up)), 'tx-packet': String(packets(down)) },
      false,
    );
    if (session.queueId) {
      this.model.update(
        '/queue/simple',
        session.queueId,
        { bytes: `${up}/${down}`, packets: `${packets(up)}/${packets(down)}`, rate: `${rate.upBps}/${rate.downBps}` },
        false,
      );
    }
  }

  private writeHotspot(session: HotspotSession, now: number): void {
    const up = Math.floor(session.upBytes);
    const down = Math.floor(session.downBytes);
    const totals = this.totals(session.userId);
    this.model.update(
      '/ip/hotspot/active',
      session.activeId,
      {
        uptime: formatDuration((now - session.startedAt) / 1000),
        'session-time-left': session.limitUptime === undefined ? undefined : formatDuration(session.limitUptime - totals.uptime),
        'bytes-in': String(up),
        'bytes-out': String(down),
        'packets-in': String(packets(up)),
        'packets-out': String(packets(down)),
      },
      false,
    );
    if (this.model.get('/ip/hotspot/user', session.userId)) {
      this.model.update(
        '/ip/hotspot/user',
        session.userId,
        {
          uptime: formatDuration(totals.uptime),
          'bytes-in': String(Math.floor(totals.upBytes)),
          'bytes-out': String(Math.floor(totals.downBytes)),
          'packets-in': String(packets(totals.upBytes)),
          'packets-out': String(packets(totals.downBytes)),
        },
        false,
      );
    }
  }

  /** A hotspot user's counters add up over all their sessions, which is what limit-uptime counts. */
  private totals(userId: string): UserTotals {
    let totals = this.userTotals.get(userId);
    if (!totals) {
      const row = this.model.get('/ip/hotspot/user', userId);
      totals = {
        uptime: parseDuration(row?.uptime ?? '0s') ?? 0,
        upBytes: Number(row?.['bytes-in'] ?? 0),
        downBytes: Number(row?.['bytes-out'] ?? 0),
      };
      this.userTotals.set(userId, totals);
    }
    return totals;
  }

  private freeAddress(prefix: string, rows: Row[]): string {
    const taken = new Set(rows.map((r) => r.address));
    for (let host = 2; host < 255; host++) {
      const address = `${prefix}.${host}`;
      if (!taken.has(address)) return address;
    }
    throw new Error(`address pool ${prefix}.0/24 is exhausted`);
  }

  private nextMac(): string {
    const n = this.sessionCounter + 1;
    return `02:00:00:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`.toUpperCase();
  }
}

function effective(session: Traffic): Rates {
  const capped = (rate: number, cap: number) => (cap > 0 ? Math.min(rate, cap) : rate);
  return { upBps: capped(session.rates.upBps, session.cap.upBps), downBps: capped(session.rates.downBps, session.cap.downBps) };
}


function packets(bytes: number): number {
  return Math.floor(bytes / AVERAGE_PACKET_BYTES);
}
