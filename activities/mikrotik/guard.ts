import { Channel } from 'node-routeros';

const GUARDED = Symbol.for('mtandao.routeros.emptyReplyGuard');

/**
 * RouterOS 7.18+ answers an empty print with `!empty` before `!done`; node-routeros 1.6.9 throws
 * UNKNOWNREPLY on it from its socket handler, an uncaught exception that kills the process (facts
 * §3.6.1). The verified fix: skip the `!empty` packet, and the `!done` after it resolves the call with
 * `[]`. Installed once per process, before the first connection; calling it again does nothing.
 */
export function installEmptyReplyGuard(): void {
  const proto = Channel.prototype as unknown as { processPacket(this: Channel, packet: string[]): void; [GUARDED]?: true };
  if (proto[GUARDED]) return;
  const processPacket = proto.processPacket;
  proto.processPacket = function (packet) {
    if (packet[0] === '!empty') return;
    processPacket.call(this, packet);
  };
  proto[GUARDED] = true;
}
