/**
 * The menus an ISP billing system drives (facts §3.7): which properties each accepts, their defaults,
 * the counters print shows, and the router's own wording for refusals.
 */

export type Verb = 'add' | 'set' | 'remove' | 'enable' | 'disable' | 'login' | 'monitor-traffic';

export interface MenuSpec {
  path: string;
  /** Beyond print/getall/listen, which every menu answers. */
  verbs: readonly Verb[];
  /** Properties add and set accept, in print order; `undefined` means absent until someone sets it. */
  fields: Readonly<Record<string, string | undefined>>;
  /** Read-only properties print shows, with their value on a new item. */
  stats?: Readonly<Record<string, string>>;
  booleans?: readonly string[];
  enums?: Readonly<Record<string, readonly string[]>>;
  /** Property → menu whose item names it must be one of. */
  references?: Readonly<Record<string, string>>;
  /** Values given as `10M/20M` that print returns in bps. */
  rates?: readonly string[];
  unique?: { key: readonly string[]; message: string };
  /** Name prefix for items added without a name (`queue1`, `queue2`…). */
  autoName?: string;
  builtins?: readonly Readonly<Record<string, string>>[];
  /** One nameless item and no `.id` (/system/identity). */
  singleton?: boolean;
}

// RouterOS words for a duplicate in menus where no capture of the real message exists yet.
const DUPLICATE_NAME = 'failure: already have such name';

export const MENUS: readonly MenuSpec[] = [
  {
    path: '/ppp/secret',
    verbs: ['add', 'set', 'remove', 'enable', 'disable'],
    fields: {
      name: undefined,
      service: 'any',
      'caller-id': '',
      password: '',
      profile: 'default',
      'local-address': undefined,
      'remote-address': undefined,
      routes: '',
      'limit-bytes-in': '0',
      'limit-bytes-out': '0',
      disabled: 'false',
      comment: undefined,
    },
    booleans: ['disabled'],
    enums: { service: ['any', 'async', 'l2tp', 'ovpn', 'pppoe', 'pptp', 'sstp'] },
    references: { profile: '/ppp/profile' },
    unique: { key: ['name'], message: 'failure: secret with the same name already exists' },
  },
  {
    path: '/ppp/profile',
    verbs: ['add', 'set', 'remove'],
    fields: {
      name: undefined,
      'local-address': undefined,
      'remote-address': undefined,
      'dns-server': undefined,
      'rate-limit': undefined,
      'only-one': 'default',
      'use-encryption': 'default',
      'change-tcp-mss': 'default',
      'parent-queue': undefined,
      'address-list': '',
      'session-timeout': undefined,
      'idle-timeout': undefined,
      'on-up': '',
      'on-down': '',
      comment: undefined,
    },
    stats: { default: 'false' },
    enums: { 'only-one': ['default', 'yes', 'no'], 'use-encryption': ['default', 'yes', 'no', 'required'], 'change-tcp-mss': ['default', 'yes', 'no'] },
    unique: { key: ['name'], message: DUPLICATE_NAME },
    builtins: [
      { '.id': '*0', name: 'default', 'only-one': 'default', 'use-encryption': 'default', 'change-tcp-mss': 'yes', 'address-list': '', 'on-up': '', 'on-down': '', default: 'true' },
      { '.id': '*FFFFFFFE', name: 'default-encryption', 'only-one': 'default', 'use-encryption': 'yes', 'change-tcp-mss': 'yes', 'address-list': '', 'on-up': '', 'on-down': '', default: 'true' },
    ],
  },
  {
    path: '/ppp/active',
    verbs: ['remove'],
    fields: {},
  },
  {
    path: '/ip/hotspot/user',
    verbs: ['add', 'set', 'remove', 'enable', 'disable'],
    fields: {
      server: 'all',
      name: undefined,
      password: '',
      profile: 'default',
      'mac-address': undefined,
      address: undefined,
      email: undefined,
      'limit-uptime': undefined,
      'limit-bytes-in': undefined,
      'limit-bytes-out': undefined,
      'limit-bytes-total': undefined,
      disabled: 'false',
      comment: undefined,
    },
    stats: { uptime: '0s', 'bytes-in': '0', 'bytes-out': '0', 'packets-in': '0', 'packets-out': '0', dynamic: 'false' },
    booleans: ['disabled'],
    references: { profile: '/ip/hotspot/user/profile' },
    unique: { key: ['name', 'server'], message: 'failure: already have user with this name for this server' },
  },
  {
    path: '/ip/hotspot/user/profile',
    verbs: ['add', 'set', 'remove'],
    fields: {
      name: undefined,
      'rate-limit': undefined,
      'shared-users': '1',
      'session-timeout': undefined,
      'idle-timeout': 'none',
      'keepalive-timeout': '2m',
      'status-autorefresh': '1m',
      'address-pool': 'none',
      'address-list': undefined,
      'add-mac-cookie': 'true',
      'mac-cookie-timeout': '3d',
      'on-login': undefined,
      'on-logout': undefined,
      'open-status-page': 'always',
    },
    stats: { default: 'false' },
    booleans: ['add-mac-cookie'],
    enums: { 'open-status-page': ['always', 'http-login'] },
    unique: { key: ['name'], message: DUPLICATE_NAME },
    builtins: [
      {
        '.id': '*0',
        name: 'default',
        'shared-users': '1',
        'idle-timeout': 'none',
        'keepalive-timeout': '2m',
        'status-autorefresh': '1m',
        'address-pool': 'none',
        'add-mac-cookie': 'true',
        'mac-cookie-timeout': '3d',
        'open-status-page': 'always',
        default: 'true',
      },
    ],
  },
  {
    path: '/ip/hotspot/active',
    verbs: ['remove', 'login'],
    fields: {},
  },
  {
    path: '/ip/hotspot/host',
    verbs: ['remove'],
    fields: {},
  },
  {
    path: '/ip/hotspot/walled-garden',
    verbs: ['add', 'set', 'remove', 'enable', 'disable'],
    fields: {
      server: undefined,
      'src-address': undefined,
      'dst-host': undefined,
      'dst-port': undefined,
      path: undefined,
      method: undefined,
      action: 'allow',
      disabled: 'false',
      comment: undefined,
    },
    stats: { hits: '0', dynamic: 'false' },
    booleans: ['disabled'],
    enums: { action: ['allow', 'deny'] },
  },
  {
    path: '/queue/simple',
    verbs: ['add', 'set', 'remove', 'enable', 'disable'],
    fields: {
      name: undefined,
      target: undefined,
      parent: 'none',
      'packet-marks': '',
      priority: '8/8',
      queue: 'default-small/default-small',
      'limit-at': '0/0',
      'max-limit': '0/0',
      'burst-limit': '0/0',
      'burst-threshold': '0/0',
      'burst-time': '0s/0s',
      disabled: 'false',
      comment: undefined,
    },
    stats: {
      invalid: 'false',
      dynamic: 'false',
      rate: '0/0',
      'packet-rate': '0/0',
      bytes: '0/0',
      packets: '0/0',
      dropped: '0/0',
    },
    booleans: ['disabled'],
    rates: ['limit-at', 'max-limit', 'burst-limit', 'burst-threshold'],
    unique: { key: ['name'], message: DUPLICATE_NAME },
    autoName: 'queue',
  },
  {
    path: '/interface',
    verbs: ['set', 'enable', 'disable', 'monitor-traffic'],
    fields: { name: undefined, mtu: '1500', disabled: 'false', comment: undefined },
    booleans: ['disabled'],
    unique: { key: ['name'], message: DUPLICATE_NAME },
    builtins: [1, 2, 3, 4, 5].map((n) => ({
      '.id': `*${n}`,
      name: `ether${n}`,
      type: 'ether',
      mtu: '1500',
      'actual-mtu': '1500',
      'mac-address': `D4:CA:6D:00:00:0${n}`,
      running: n === 1 ? 'true' : 'false',
      disabled: 'false',
      dynamic: 'false',
      ...zeroInterfaceCounters(),
    })),
  },
  {
    path: '/system/identity',
    verbs: ['set'],
    fields: { name: 'MikroTik' },
    singleton: true,
  },
];

/** Counters of a new interface, live ones included. */
export function zeroInterfaceCounters(): Record<string, string> {
  const names = ['rx-byte', 'tx-byte', 'rx-packet', 'tx-packet', 'rx-drop', 'tx-drop', 'rx-error', 'tx-error'];
  return Object.fromEntries(names.map((n) => [n, '0']));
}

/** /system/resource is computed on each print, so it has no spec above. */
export const RESOURCE_PATH = '/system/resource';
