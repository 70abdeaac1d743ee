import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * PDF checks render pages with poppler's pdftoppm and read text with pdftotext. Like Chromium, Debian's
 * package is installed when missing and we may (root with apt-get); otherwise the message says what is needed.
 */
export function ensurePoppler(log: (line: string) => void): void {
  if (existsSync('/usr/bin/pdftoppm') && existsSync('/usr/bin/pdftotext')) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error('PDF tests need pdftoppm and pdftotext: install Debian\'s "poppler-utils" package');
  }
  log("Installing Debian's poppler-utils for the PDF tests…");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'poppler-utils'], { stdio: 'ignore', env }).status === 0;
  if (!install()) {
    spawnSync('apt-get', ['update'], { stdio: 'ignore', env });
    if (!install()) throw new Error('apt-get install poppler-utils failed');
  }
}
