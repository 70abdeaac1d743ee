import { SimClock } from './clock';
import { RESOURCE_PATH } from './menus';
import { type Change, RouterModel, Trap, type Row } from './model';
import { compileQuery, QueryError } from './query';
import { Sessions } from './sessions';
import { formatDuration, formatTimestamp } from './units';
import { parseVersion, type RouterOsVersion } from './version';

/** A command sentence taken apart (facts §3.2). */
export interface Command {
  word: string;
  attrs: Map<string, string>;
  queries: string[];
  /** Empty or absent: the router answers untagged. */
  tag?: string;
}

export type Outcome =
  | { kind: 'reply'; sentences: string[][] }
  /** listen and monitor-traffic: `!re` until /cancel; `start` answers the function that stops it. */
  | { kind: 'stream'; start(emit: (words: string[]) => void): () => void };

// Wording not captured from a real router; dynamic entries belong to the sessions that made them.
const DYNAMIC_ITEM = 'failure: dynamic item can not be changed';
const MONITOR_INTERVAL_MS = 1000;

export function parseCommand(words: readonly string[]): Command {
  const [word = '', ...rest] = words;
  const command: Command = { word, attrs: new Map(), queries: [] };
  for (const w of rest) {
    if (w.startsWith('=')) {
      const eq = w.indexOf('=', 1);
      if (eq < 0) command.attrs.set(w.slice(1), '');
      else command.attrs.set(w.slice(1, eq), w.slice(eq + 1));
    } else if (w.startsWith('?')) {
      command.queries.push(w);
    } else if (w.startsWith('.tag=')) {
      command.tag = w.slice('.tag='.length);
    }
  }
  return command;
}

/** The simulated router: configuration, subscribers, clock and credentials, and what each command does to them. */
export class SimulatedRouter {
  readonly clock = new SimClock();
  readonly model: RouterModel;
  readonly sessions: Sessions;
  readonly credentials: { user: string; password: string };
  private current: RouterOsVersion;
  private readonly bootedAt: number;

  constructor(options: { version: string; user: string; password: string; identity?: string }) {
    this.current = parseVersion(options.version);
    this.credentials = { user: options.user, password: options.password };
    this.model = new RouterModel(this.current.major >= 7);
    this.sessions = new Sessions(this.model, this.clock, () => this.current.major);
    if (options.identity) this.model.set('/system/identity', new Map([['name', options.identity]]));
    this.bootedAt = this.clock.now();
  }

  get version(): RouterOsVersion {
    return this.current;
  }

  set version(version: RouterOsVersion) {
    this.current = version;
    this.model.namesUnknownParameter = version.major >= 7;
  }

  execute(command: Command): Outcome {
    try {
      this.sessions.settle();
      return this.dispatch(command);
    } catch (error) {
      if (error instanceof Trap) return reply(trap(error));
      if (error instanceof QueryError) return reply(trap(new Trap(error.message, 1)));
      throw error;
    }
  }

  /** /system/resource, computed from the clock and the sessions on each print. */
  resource(): Row {
    const now = this.clock.now();
    const sessions = this.model.list('/ppp/active').length + this.model.list('/ip/hotspot/active').length;
    return {
      uptime: formatDuration((now - this.bootedAt) / 1000),
      version: `${this.current.text} (stable)`,
      'build-time': formatTimestamp(Date.UTC(2025, 1, 24, 9, 42, 37), this.current.major),
      'factory-software': '6.44.6',
      'free-memory': String(860_000_000 - sessions * 64_000),
      'total-memory': '1073741824',
      cpu: 'ARMv7',
      'cpu-count': '4',
      'cpu-frequency': '1400',
      'cpu-load': String(Math.min(100, 2 + sessions)),
      'free-hdd-space': '458752000',
      'total-hdd-space': '536870912',
      'architecture-name': 'arm',
      'board-name': 'RB4011iGS+',
      platform: 'MikroTik',
    };
  }

  private dispatch(command: Command): Outcome {
    const slash = command.word.lastIndexOf('/');
    const path = command.word.slice(0, slash);
    const verb = command.word.slice(slash + 1);
    if (path === RESOURCE_PATH && (verb === 'print' || verb === 'getall')) return this.print([this.resource()], command);
    const spec = this.model.spec(path);
    if (!spec) throw this.unknownCommand(command.word);
    if (verb === 'print' || verb === 'getall') {
      const rows = this.model.list(path);
      return this.print(spec.singleton ? rows.map(({ '.id': _id, ...row }) => row) : rows, command);
    }
    if (verb === 'listen') return this.listen(path);
    if (!(spec.verbs as readonly string[]).includes(verb)) throw new Trap(`no such command or directory (${verb})`, 0);
    switch (verb) {
      case 'add':
        return reply([['!done', `=ret=${this.model.add(path, command.attrs)}`]]);
      case 'set':
        this.refuseDynamic(path, command.attrs, spec.singleton);
        this.model.set(path, command.attrs);
        return done();
      case 'enable':
      case 'disable':
        this.refuseDynamic(path, command.attrs);
        this.model.set(path, new Map([...onlyItems(command.attrs), ['disabled', verb === 'disable' ? 'true' : 'false']]));
        return done();
      case 'remove':
        this.remove(path, command.attrs);
        return done();
      case 'login':
        return this.hotspotLogin(command.attrs);
      case 'monitor-traffic':
        return this.monitorTraffic(command.attrs);
      default:
        throw new Trap(`no such command or directory (${verb})`, 0);
    }
  }

  private print(rows: Row[], command: Command): Outcome {
    const matches = rows.filter(compileQuery(command.queries));
    if (command.attrs.has('count-only')) return reply([['!done', `=ret=${matches.length}`]]);
    const proplist = command.attrs.get('.proplist')?.split(',');
    const shown = proplist ? matches.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => proplist.includes(k)))) : matches;
    if (shown.length === 0 && this.current.emptyReply) return reply([['!empty'], ['!done']]);
    return reply([...shown.map((row) => ['!re', ...attributeWords(row)]), ['!done']]);
  }

  private listen(path: string): Outcome {
    return {
      kind: 'stream',
      start: (emit) => {
        const onChange = (change: Change) => {
          if (change.path === path) emit(['!re', ...attributeWords(change.row)]);
        };
        this.model.changes.on('change', onChange);
        return () => this.model.changes.off('change', onChange);
      },
    };
  }

  private remove(path: string, attrs: ReadonlyMap<string, string>): void {
    const ids = this.model.resolve(path, attrs);
    for (const id of ids) {
      if (path === '/ppp/active') this.sessions.endPpp(id);
      else if (path === '/ip/hotspot/active') this.sessions.endHotspot(id);
      else if (path === '/ip/hotspot/host') this.sessions.forgetHost(id);
      else {
        this.refuseDynamic(path, new Map([['.id', id]]));
        this.model.delete(path, id);
      }
    }
  }

  private hotspotLogin(attrs: ReadonlyMap<string, string>): Outcome {
    for (const name of attrs.keys()) {
      if (!['user', 'password', 'ip', 'mac-address', 'domain'].includes(name)) throw new Trap(this.current.major >= 7 ? `unknown parameter ${name}` : 'unknown parameter');
    }
    this.sessions.hotspotLogin({
      user: attrs.get('user') ?? '',
      password: attrs.get('password') ?? '',
      ip: attrs.get('ip'),
      mac: attrs.get('mac-address'),
      // The login-by RouterOS records for API logins is not captured yet (facts §4.5).
      loginBy: 'http-chap',
    });
    return done();
  }

  private monitorTraffic(attrs: ReadonlyMap<string, string>): Outcome {
    const name = attrs.get('interface') ?? '';
    if (!this.model.findBy('/interface', 'name', name)) throw new Trap('input does not match any value of interface', 1);
    const sample = () => {
      this.sessions.settle();
      const { rx, tx } = this.sessions.interfaceRates(name);
      return ['!re', `=name=${name}`, `=rx-bits-per-second=${rx}`, `=tx-bits-per-second=${tx}`];
    };
    if (attrs.has('once')) return reply([sample(), ['!done']]);
    return {
      kind: 'stream',
      start: (emit) => {
        emit(sample());
        const timer = setInterval(() => emit(sample()), MONITOR_INTERVAL_MS);
        return () => clearInterval(timer);
      },
    };
  }

  private refuseDynamic(path: string, attrs: ReadonlyMap<string, string>, singleton = false): void {
    if (singleton) return;
    for (const id of this.model.resolve(path, attrs)) if (this.model.get(path, id)?.dynamic === 'true') throw new Trap(DYNAMIC_ITEM);
  }

  /** The first path segment the router does not know is the one it names; a bare directory is a prefix. */
  private unknownCommand(word: string): Trap {
    if (!word.startsWith('/')) return new Trap('no such command prefix');
    const known = new Set([RESOURCE_PATH, ...this.model.paths()].flatMap((path) => path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
    let prefix = '';
    for (const segment of word.split('/').slice(1)) {
      prefix += `/${segment}`;
      if (!known.has(prefix)) return new Trap(`no such command or directory (${segment})`, 0);
    }
    return new Trap('no such command prefix');
  }
}

function reply(sentences: string[][]): Outcome {
  return { kind: 'reply', sentences };
}

function done(): Outcome {
  return reply([['!done']]);
}

export function trap(error: Trap): string[][] {
  const category = error.category === undefined ? [] : [`=category=${error.category}`];
  return [['!trap', ...category, `=message=${error.message}`], ['!done']];
}

function attributeWords(row: Row): string[] {
  return Object.entries(row).map(([k, v]) => `=${k}=${v}`);
}

function onlyItems(attrs: ReadonlyMap<string, string>): [string, string][] {
  return [...attrs].filter(([k]) => k === '.id' || k === 'numbers');
}
