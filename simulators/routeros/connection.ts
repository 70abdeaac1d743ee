import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { Faults } from './faults';
import { Trap } from './model';
import { parseCommand, trap, type Command, type SimulatedRouter } from './router';
import { encodeSentence, SentenceDecoder, WireError } from './wire';

// Long enough for the client to read the half reply before the RST, which would discard it unread.
const RESET_AFTER_PARTIAL_MS = 20;
// One segment per byte needs a pause between writes, or the kernel coalesces them again.
const SPLIT_WRITE_GAP_MS = 1;

/**
 * One API session (plain or inside TLS): login, tags, `/cancel`, `/quit`, the keepalive `#`, and the
 * fault knobs applied on the way out. Every sentence leaves in its own write, as a router sends them.
 */
export class ApiConnection {
  private readonly decoder = new SentenceDecoder();
  private loggedIn = false;
  private challenge?: Buffer;
  private readonly running = new Set<{ tag?: string; stop(): void }>();
  private outbox: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(
    private readonly socket: Duplex,
    /** The TCP socket underneath (the same one on the plain port), which a reset has to hit. */
    private readonly raw: Socket,
    private readonly router: SimulatedRouter,
    private readonly faults: () => Faults,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => this.socket.destroy());
    socket.on('close', () => {
      this.closing = true;
      this.stopAll();
    });
  }

  destroy(): void {
    this.socket.destroy();
    this.raw.destroy();
  }

  private receive(chunk: Buffer): void {
    let sentences: string[][];
    try {
      sentences = this.decoder.push(chunk);
    } catch (error) {
      // After a reserved control byte nothing can be framed any more; a router drops the connection.
      if (error instanceof WireError) return void this.socket.destroy();
      throw error;
    }
    for (const words of sentences) if (words.length > 0 && !this.closing) this.handle(parseCommand(words));
  }

  private handle(command: Command): void {
    const fatal = this.faults().fatal;
    if (fatal) return this.fatal(fatal);
    const tagged = (sentences: string[][]) => (command.tag ? sentences.map((words) => [...words, `.tag=${command.tag}`]) : sentences);
    if (command.word === '/login') return this.send(tagged(this.login(command)));
    if (command.word === '/quit') return this.fatal('session terminated on request');
    // Real routers allow a few sentences before login and then drop the connection; a trap is enough here.
    if (!this.loggedIn) return this.send(tagged(trap(new Trap('not logged in'))));
    // node-routeros sends `#` as its keepalive (facts §3.5) and only needs an answer.
    if (command.word === '#') return this.send(tagged([['!done']]));
    if (command.word === '/cancel') return this.cancel(command, tagged);

    const outcome = this.router.execute(command);
    if (outcome.kind === 'reply') return this.send(tagged(outcome.sentences));
    const stop = outcome.start((words) => this.send(tagged([words])));
    this.running.add({ tag: command.tag, stop });
  }

  /** 6.43+ takes the password in plain text; older routers (and a bare `/login`) use the MD5 challenge. */
  private login(command: Command): string[][] {
    const { user, password } = this.router.credentials;
    const failure = this.router.version.plaintextLogin ? 'invalid user name or password (6)' : 'cannot log in';
    const name = command.attrs.get('name');
    const response = command.attrs.get('response');
    if (response !== undefined) {
      const expected = this.challenge && `00${createHash('md5').update(Buffer.concat([Buffer.from([0]), Buffer.from(password, 'latin1'), this.challenge])).digest('hex')}`;
      this.challenge = undefined;
      return this.loginResult(name === user && response === expected, failure);
    }
    const given = command.attrs.get('password');
    if (this.router.version.plaintextLogin && name !== undefined && given !== undefined) return this.loginResult(name === user && given === password, failure);
    this.challenge = randomBytes(16);
    return [['!done', `=ret=${this.challenge.toString('hex')}`]];
  }

  private loginResult(ok: boolean, failure: string): string[][] {
    if (ok) this.loggedIn = true;
    return ok ? [['!done']] : trap(new Trap(failure));
  }

  /** The cancelled command is interrupted (`!trap` category 2, then its `!done`); /cancel itself is done in between. */
  private cancel(command: Command, tagged: (sentences: string[][]) => string[][]): void {
    const target = command.attrs.get('tag');
    const cancelled = [...this.running].filter((entry) => target === undefined || entry.tag === target);
    const interrupted = (entry: { tag?: string }, words: string[]) => (entry.tag ? [...words, `.tag=${entry.tag}`] : words);
    for (const entry of cancelled) {
      entry.stop();
      this.running.delete(entry);
    }
    this.send([
      ...cancelled.map((entry) => interrupted(entry, ['!trap', '=category=2', '=message=interrupted'])),
      ...tagged([['!done']]),
      ...cancelled.map((entry) => interrupted(entry, ['!done'])),
    ]);
  }

  /** `!fatal` is never tagged; the router closes the connection right after it. */
  private fatal(reason: string): void {
    this.closing = true;
    this.stopAll();
    this.send([['!fatal', reason]]);
    this.outbox = this.outbox.then(() => {
      this.socket.end();
    });
  }

  private stopAll(): void {
    for (const entry of this.running) entry.stop();
    this.running.clear();
  }

  /** Replies leave in order, each after the configured latency. */
  private send(sentences: string[][]): void {
    this.outbox = this.outbox
      .then(() => this.transmit(sentences))
      .catch(() => {
        this.socket.destroy();
      });
  }

  private async transmit(sentences: string[][]): Promise<void> {
    const { latencyMs, disconnectMidReply, splitWrites } = this.faults();
    if (latencyMs > 0) await delay(latencyMs);
    if (this.socket.destroyed) return;
    const buffers = sentences.map(encodeSentence);
    if (disconnectMidReply !== 'none') return this.cutOff(Buffer.concat(buffers), disconnectMidReply);
    for (const buffer of buffers) {
      if (!splitWrites) {
        this.socket.write(buffer);
        continue;
      }
      for (let i = 0; i < buffer.length && !this.socket.destroyed; i++) {
        this.socket.write(buffer.subarray(i, i + 1));
        await delay(SPLIT_WRITE_GAP_MS);
      }
    }
  }

  private async cutOff(reply: Buffer, how: 'reset' | 'close'): Promise<void> {
    this.closing = true;
    this.stopAll();
    await new Promise<void>((resolve) => this.socket.write(reply.subarray(0, Math.max(1, reply.length >> 1)), () => resolve()));
    if (how === 'close') return void this.socket.end();
    await delay(RESET_AFTER_PARTIAL_MS);
    this.raw.resetAndDestroy();
  }
}
