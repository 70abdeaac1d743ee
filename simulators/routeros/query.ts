/**
 * Print query words (facts §3.2, MikroTik API manual "Queries"): each word pushes a boolean on a stack
 * that starts as infinitely many `true`s, `?#` words combine them, and an item matches when no `false`
 * is left.
 */

export type Item = Readonly<Record<string, string>>;
export type Predicate = (item: Item) => boolean;

export class QueryError extends Error {}

export function compileQuery(words: readonly string[]): Predicate {
  const steps = words.map(compileWord);
  return (item) => {
    const stack: boolean[] = [];
    for (const step of steps) step(item, stack);
    return stack.every(Boolean);
  };
}

type Step = (item: Item, stack: boolean[]) => void;

function compileWord(word: string): Step {
  if (!word.startsWith('?')) throw new QueryError(`not a query word: ${word}`);
  const body = word.slice(1);
  if (body.startsWith('#')) return compileOperations(body.slice(1));
  if (body.startsWith('-')) {
    const name = body.slice(1);
    return (item, stack) => void stack.push(item[name] === undefined);
  }
  const op = body[0] === '<' || body[0] === '>' || body[0] === '=' ? body[0] : '';
  const rest = body.slice(op.length);
  const eq = rest.indexOf('=');
  if (eq < 0) {
    if (op) throw new QueryError(`query word needs a value: ${word}`);
    return (item, stack) => void stack.push(item[rest] !== undefined);
  }
  const name = rest.slice(0, eq);
  const value = rest.slice(eq + 1);
  if (op === '<') return (item, stack) => void stack.push(item[name] !== undefined && compare(item[name], value) < 0);
  if (op === '>') return (item, stack) => void stack.push(item[name] !== undefined && compare(item[name], value) > 0);
  return (item, stack) => void stack.push(item[name] === value);
}

/**
 * `?#` operations, read left to right: digits name a stack index (0 is the top); an index followed by
 * another character pushes a copy of that value, at the end of the word it replaces the whole stack;
 * `!` negates the top, `&` and `|` pop two and push the result, `.` copies the top unless it just
 * closed an index.
 */
function compileOperations(ops: string): Step {
  if (!/^[0-9!&|.]*$/.test(ops)) throw new QueryError(`unknown query operation in ?#${ops}`);
  return (_item, stack) => {
    let index = '';
    for (let i = 0; i <= ops.length; i++) {
      const ch = ops[i];
      if (ch !== undefined && ch >= '0' && ch <= '9') {
        index += ch;
        continue;
      }
      const closedIndex = index !== '';
      if (closedIndex) {
        const value = peek(stack, Number(index));
        index = '';
        if (ch === undefined) stack.splice(0, stack.length, value);
        else stack.push(value);
      }
      if (ch === '!') stack.push(!pop(stack));
      else if (ch === '&') stack.push([pop(stack), pop(stack)].every(Boolean));
      else if (ch === '|') stack.push([pop(stack), pop(stack)].some(Boolean));
      else if (ch === '.' && !closedIndex) stack.push(peek(stack, 0));
    }
  };
}

// Below the pushed values the stack holds endless `true`s, so reading past the bottom yields true.
function pop(stack: boolean[]): boolean {
  return stack.pop() ?? true;
}

function peek(stack: boolean[], index: number): boolean {
  return stack[stack.length - 1 - index] ?? true;
}

/** RouterOS compares numbers as numbers; everything else compares as text. */
function compare(a: string, b: string): number {
  const numeric = /^-?\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Math.sign(Number(a) - Number(b));
  return a < b ? -1 : a > b ? 1 : 0;
}
