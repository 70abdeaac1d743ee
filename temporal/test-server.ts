import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolCacheDir } from './cache';
import { findOnPath } from './cli';

/** Java time-skipping test server from Maven Central (the SDK's own download needs the internet). */
export const TEST_SERVER_VERSION = '1.38.0';
const SLF4J_VERSION = '1.7.36';

export interface TestServerTools {
  /** Runs `java … io.temporal.testserver.TestServer <port> [--enable-time-skipping]`. */
  wrapper: string;
  /** Stands in for the server when it was started beforehand: the SDK spawns it and kills it at teardown. */
  placeholder: string;
}

export function ensureTestServer(opts: { cacheDir?: string; log?: (line: string) => void } = {}): TestServerTools {
  const log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  const dir = join(toolCacheDir(opts.cacheDir), `temporal-test-server-${TEST_SERVER_VERSION}`);
  const lib = join(dir, 'lib');
  const wrapper = join(dir, 'temporal-test-server');
  const placeholder = join(dir, 'already-running');

  const hasJars = existsSync(lib) && readdirSync(lib).some((f) => f.startsWith('temporal-test-server'));
  if (!hasJars) fetchJars(dir, lib, log);

  // The SDK kills only its direct child, so the wrapper must exec java, not fork it.
  writeExecutable(wrapper, `#!/bin/sh\nexec java -cp "${lib}/*" io.temporal.testserver.TestServer "$@"\n`);
  writeExecutable(placeholder, '#!/bin/sh\nexec sleep 2147483647\n');
  return { wrapper, placeholder };
}

function fetchJars(dir: string, lib: string, log: (line: string) => void): void {
  if (!findOnPath('mvn') || !findOnPath('java')) {
    throw new Error('The time-skipping test server needs Java 17 and Maven (mvn) on PATH');
  }
  log(`Fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} from Maven Central into ${dir}…`);
  mkdirSync(dir, { recursive: true });
  const pom = join(dir, 'pom.xml');
  writeFileSync(
    pom,
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mtandao</groupId><artifactId>temporal-test-server-fetch</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>io.temporal</groupId><artifactId>temporal-test-server</artifactId><version>${TEST_SERVER_VERSION}</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>${SLF4J_VERSION}</version></dependency>
  </dependencies>
</project>
`,
  );
  rmSync(lib, { recursive: true, force: true });
  const result = spawnSync(
    'mvn',
    ['-q', '-B', '-f', pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${lib}`],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (result.status !== 0) {
    rmSync(lib, { recursive: true, force: true });
    throw new Error(`Maven could not fetch the Temporal test server (exit ${result.status}); see the output above`);
  }
}

function writeExecutable(path: string, content: string): void {
  writeFileSync(path, content);
  chmodSync(path, 0o755);
}
