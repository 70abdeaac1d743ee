import postgres from 'postgres';

export type Sql = postgres.Sql;
/** A connection or transaction handle: queries accept either so callers can compose them in `sql.begin`. */
export type Tx = postgres.Sql | postgres.TransactionSql;

/**
 * The one way to open Postgres. Each process creates a single pool at boot and passes it down.
 * int8 (money in KES cents, counts) is parsed to a JS number: every amount an ISP handles is far below 2^53.
 */
export function createSql(url: string, opts: { max?: number; onnotice?: (n: postgres.Notice) => void } = {}): Sql {
  return postgres(url, {
    max: opts.max ?? 10,
    onnotice: opts.onnotice ?? (() => undefined),
    connection: { application_name: `mtandao-${process.title}`, TimeZone: 'UTC' },
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number | bigint) => value.toString(),
        parse: (value: string) => {
          const n = Number(value);
          if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the safe integer range`);
          return n;
        },
      },
    },
  });
}
