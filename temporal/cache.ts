import { homedir } from 'node:os';
import { join } from 'node:path';

/** Built tools live outside the repo, per user, keyed by version, so every clone and CI run reuses them. */
export function toolCacheDir(override = process.env.MTANDAO_CACHE_DIR): string {
  if (override) return override;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mtandao');
}
