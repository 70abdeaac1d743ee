/** The RouterOS behaviours that depend on the simulated version. */
export interface RouterOsVersion {
  /** As given: `7.18`, `6.49.10`. */
  text: string;
  major: number;
  /** `/login =name= =password=` (6.43+); older routers only answer with an MD5 challenge. */
  plaintextLogin: boolean;
  /** A print that finds nothing answers `!empty` before `!done` (7.18+, facts §3.2). */
  emptyReply: boolean;
}

export function parseVersion(text: string): RouterOsVersion {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!match) throw new Error(`RouterOS version must look like 7.18 or 6.49.10, not "${text}"`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const atLeast = (a: number, b: number) => major > a || (major === a && minor >= b);
  return { text: text.trim(), major, plaintextLogin: atLeast(6, 43), emptyReply: atLeast(7, 18) };
}
