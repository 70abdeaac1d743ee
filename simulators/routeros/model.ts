import { EventEmitter } from 'node:events';
import { MENUS, type MenuSpec } from './menus';
import { parseRatePair } from './units';

/** One item as print shows it: every value a string, `.id` first. */
export type Row = Record<string, string>;

/** A refusal the router answers with `!trap` (category only where RouterOS sends one). */
export class Trap extends Error {
  constructor(
    message: string,
    readonly category?: number,
  ) {
    super(message);
  }
}

/** Dynamic entries (sessions, their queues and interfaces) get ids from the top half, as on a router. */
const DYNAMIC_ID_BASE = 0x80000000;

interface Table {
  spec: MenuSpec;
  rows: Row[];
  /** The same rows by `.id`: settling a thousand sessions per command must not scan the menu each time. */
  byId: Map<string, Row>;
  nextId: number;
  nextDynamicId: number;
  nextAutoName: number;
}

export interface Change {
  path: string;
  /** The item after the change; for a removal only `.id` and `.dead`. */
  row: Row;
}

/**
 * The router's configuration: one ordered table per menu, the `*hex` id allocator, and validation
 * of add/set with the router's own refusal messages. Every change is announced on `changes`, which
 * `listen` commands follow.
 */
export class RouterModel {
  // Every open listen command follows this emitter, so it has no listener limit.
  readonly changes = new EventEmitter<{ change: [Change] }>().setMaxListeners(0);
  private readonly tables = new Map<string, Table>();

  constructor(
    /** RouterOS 7 names the offending property in "unknown parameter". */
    public namesUnknownParameter: boolean,
  ) {
    for (const spec of MENUS) {
      const rows = spec.singleton ? [withDefaults(spec, {})] : (spec.builtins ?? []).map((row) => ({ ...row }));
      const staticIds = rows.map((row) => parseId(row['.id'] ?? '') ?? 0).filter((id) => id < DYNAMIC_ID_BASE);
      const byId = new Map(rows.filter((row) => row['.id']).map((row) => [row['.id']!, row]));
      this.tables.set(spec.path, { spec, rows, byId, nextId: Math.max(0, ...staticIds) + 1, nextDynamicId: DYNAMIC_ID_BASE + 1, nextAutoName: 1 });
    }
  }

  spec(path: string): MenuSpec | undefined {
    return this.tables.get(path)?.spec;
  }

  paths(): string[] {
    return [...this.tables.keys()];
  }

  /** Copies of the menu's items, in order. */
  list(path: string): Row[] {
    return this.table(path).rows.map((row) => ({ ...row }));
  }

  get(path: string, id: string): Row | undefined {
    const row = this.table(path).byId.get(id);
    return row && { ...row };
  }

  findBy(path: string, field: string, value: string): Row | undefined {
    const row = this.table(path).rows.find((r) => r[field] === value);
    return row && { ...row };
  }

  /** `add`: validated like the router does it; answers the new `.id`. */
  add(path: string, attrs: ReadonlyMap<string, string>): string {
    const table = this.table(path);
    const values = this.validate(table, attrs, undefined);
    if (table.spec.autoName && values.name === undefined) values.name = this.freeAutoName(table);
    return this.insert(path, withDefaults(table.spec, values)).id;
  }

  /** `set`: items named by `.id` or `numbers`, then the same validation as add. */
  set(path: string, attrs: ReadonlyMap<string, string>): void {
    const table = this.table(path);
    const changes = new Map<string, string>(attrs);
    changes.delete('.id');
    changes.delete('numbers');
    if (table.spec.singleton) {
      this.apply(path, table.rows[0]!, this.validate(table, changes, undefined));
      return;
    }
    for (const id of this.resolveItems(table, attrs)) this.update(path, id, this.validate(table, changes, id));
  }

  /** The items an `.id` or `numbers` attribute names (ids or names, comma separated). */
  resolve(path: string, attrs: ReadonlyMap<string, string>): string[] {
    return this.resolveItems(this.table(path), attrs);
  }

  /** What `add` with no attributes would create: defaults and zeroed counters, no `.id`. */
  blank(path: string): Row {
    return withDefaults(this.table(path).spec, {});
  }

  /** Adds an item as is: sessions use it for dynamic entries, which no client can create. */
  insert(path: string, fields: Row, options: { dynamic?: boolean } = {}): { id: string } {
    const table = this.table(path);
    const number = options.dynamic ? table.nextDynamicId++ : table.nextId++;
    const id = formatId(number);
    const row = { '.id': id, ...fields };
    table.rows.push(row);
    table.byId.set(id, row);
    this.changes.emit('change', { path, row: { ...row } });
    return { id };
  }

  /** Counter updates pass `announce: false`: a router's listen does not stream every byte counted. */
  update(path: string, id: string, values: Readonly<Record<string, string | undefined>>, announce = true): void {
    const row = this.table(path).byId.get(id);
    if (!row) throw new Trap('no such item');
    this.apply(path, row, values, announce);
  }

  delete(path: string, id: string): void {
    const table = this.table(path);
    const index = table.rows.findIndex((r) => r['.id'] === id);
    if (index < 0) throw new Trap('no such item');
    table.rows.splice(index, 1);
    table.byId.delete(id);
    this.changes.emit('change', { path, row: { '.id': id, '.dead': 'yes' } });
  }

  private table(path: string): Table {
    const table = this.tables.get(path);
    if (!table) throw new Error(`no menu ${path}`);
    return table;
  }

  private apply(path: string, row: Row, values: Readonly<Record<string, string | undefined>>, announce = true): void {
    let changed = false;
    for (const [key, value] of Object.entries(values)) {
      if (row[key] === value) continue;
      changed = true;
      if (value === undefined) delete row[key];
      else row[key] = value;
    }
    if (changed && announce) this.changes.emit('change', { path, row: { ...row } });
  }

  private resolveItems(table: Table, attrs: ReadonlyMap<string, string>): string[] {
    const given = attrs.get('.id') ?? attrs.get('numbers');
    if (given === undefined || given === '') throw new Trap('no such item');
    return given.split(',').map((ref) => {
      const row = table.rows.find((r) => r['.id'] === ref.toUpperCase().replace(/^\*0*(?=.)/, '*') || r.name === ref);
      if (!row) throw new Trap('no such item');
      return row['.id']!;
    });
  }

  /** Checks every attribute the way the router does and returns the normalised values. */
  private validate(table: Table, attrs: ReadonlyMap<string, string>, selfId: string | undefined): Record<string, string> {
    const { spec } = table;
    const values: Record<string, string> = {};
    for (const [name, raw] of attrs) {
      if (!(name in spec.fields)) throw new Trap(this.namesUnknownParameter ? `unknown parameter ${name}` : 'unknown parameter');
      values[name] = normalise(spec, name, raw);
    }
    for (const [field, menu] of Object.entries(spec.references ?? {})) {
      const value = values[field];
      if (value !== undefined && !this.table(menu).rows.some((r) => r.name === value)) {
        throw new Trap(`input does not match any value of ${field}`, 1);
      }
    }
    if (spec.unique) {
      const current = selfId ? table.rows.find((r) => r['.id'] === selfId) : undefined;
      const candidate = { ...(current ?? withDefaults(spec, {})), ...values };
      const { key, message } = spec.unique;
      const clash = table.rows.some((r) => r['.id'] !== selfId && candidate.name !== undefined && key.every((k) => r[k] === candidate[k]));
      if (clash) throw new Trap(message);
    }
    return values;
  }

  private freeAutoName(table: Table): string {
    for (;;) {
      const name = `${table.spec.autoName}${table.nextAutoName++}`;
      if (!table.rows.some((r) => r.name === name)) return name;
    }
  }
}

function normalise(spec: MenuSpec, name: string, raw: string): string {
  if (spec.booleans?.includes(name)) {
    if (raw === 'yes' || raw === 'true') return 'true';
    if (raw === 'no' || raw === 'false') return 'false';
    throw new Trap(`input does not match any value of ${name}`, 1);
  }
  const choices = spec.enums?.[name];
  if (choices && !choices.includes(raw)) throw new Trap(`input does not match any value of ${name}`, 1);
  if (spec.rates?.includes(name)) {
    const pair = parseRatePair(raw);
    if (!pair) throw new Trap(`invalid value for argument ${name}`, 1);
    return `${pair.rx}/${pair.tx}`;
  }
  return raw;
}

/** A new item: the given values over the menu's defaults, in the menu's property order, then its counters. */
function withDefaults(spec: MenuSpec, values: Readonly<Record<string, string>>): Row {
  const row: Row = {};
  for (const [name, fallback] of Object.entries(spec.fields)) {
    const value = values[name] ?? fallback;
    if (value !== undefined) row[name] = value;
  }
  return { ...row, ...spec.stats };
}

export function formatId(number: number): string {
  return `*${number.toString(16).toUpperCase()}`;
}

function parseId(id: string): number | undefined {
  return /^\*[0-9A-F]+$/i.test(id) ? parseInt(id.slice(1), 16) : undefined;
}
