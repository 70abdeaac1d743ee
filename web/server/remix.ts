import { existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { fileURLToPath } from 'node:url';
import { createRequestHandler, type AppLoadContext, type ServerBuild } from '@remix-run/node';
import fastifyStatic from '@fastify/static';
import middie from '@fastify/middie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
export const BUILD_DIR = fileURLToPath(new URL('../build', import.meta.url));

export type RemixMode = 'vite' | 'build';

/**
 * A small Fastify ↔ Remix bridge (in place of @mcansh/remix-fastify, whose 4.x line peers on
 * react-router 7). `vite` compiles on demand with HMR; `build` serves `npm run build:web` output.
 */
export async function registerRemix(
  app: FastifyInstance,
  opts: { mode: RemixMode; getLoadContext: (req: FastifyRequest) => AppLoadContext },
): Promise<void> {
  let loadBuild: () => Promise<ServerBuild>;
  if (opts.mode === 'vite') {
    const vite = await import('vite');
    const server = await vite.createServer({
      configFile: `${WEB_DIR}/vite.config.ts`,
      server: { middlewareMode: true },
      appType: 'custom',
    });
    app.addHook('onClose', () => server.close());
    await app.register(middie);
    app.use(server.middlewares);
    loadBuild = () => server.ssrLoadModule('virtual:remix/server-build') as Promise<ServerBuild>;
  } else {
    const serverEntry = `${BUILD_DIR}/server/index.js`;
    if (!existsSync(serverEntry)) throw new Error(`No web build at ${serverEntry}: run \`npm run build:web\` first`);
    const build = (await import(serverEntry)) as ServerBuild;
    loadBuild = async () => build;
    await app.register(fastifyStatic, {
      root: `${BUILD_DIR}/client`,
      wildcard: false,
      index: false,
      setHeaders(reply, path) {
        // Vite fingerprints everything under /assets, so those files never change.
        reply.raw.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
      },
    });
  }

  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const handler = createRequestHandler(await loadBuild(), opts.mode === 'vite' ? 'development' : 'production');
    const response = await handler(toFetchRequest(request, reply), opts.getLoadContext(request));
    await sendFetchResponse(reply, response);
  };

  await app.register(async (remixScope) => {
    // Remix reads the raw body stream itself, so Fastify must not consume it here.
    remixScope.removeAllContentTypeParsers();
    remixScope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    remixScope.all('/*', handle);
    remixScope.all('/', handle);
  });
}

function toFetchRequest(request: FastifyRequest, reply: FastifyReply): Request {
  const origin = `${request.protocol}://${request.host}`;
  const url = new URL(request.raw.url ?? '/', origin);
  const headers = new Headers();
  for (const [key, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(key, v);
  }
  const controller = new AbortController();
  reply.raw.on('close', () => controller.abort());
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return new Request(url, {
    method: request.method,
    headers,
    signal: controller.signal,
    ...(hasBody ? { body: Readable.toWeb(request.raw) as ReadableStream, duplex: 'half' } : {}),
  } as RequestInit);
}

async function sendFetchResponse(reply: FastifyReply, response: Response): Promise<void> {
  reply.status(response.status);
  for (const [key, value] of response.headers) {
    if (key === 'set-cookie') continue;
    reply.header(key, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) reply.header('set-cookie', cookies);
  await reply.send(response.body ? Readable.fromWeb(response.body as NodeReadableStream) : null);
}
