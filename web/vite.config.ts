import { fileURLToPath } from 'node:url';
import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vite';

export default defineConfig({
  // Remix resolves package.json from the Vite root, so the root is the repository.
  root: fileURLToPath(new URL('..', import.meta.url)),
  publicDir: 'web/public',
  plugins: [
    remix({
      appDirectory: 'web/app',
      buildDirectory: 'web/build',
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
      },
    }),
  ],
  server: { hmr: { port: Number(process.env.VITE_HMR_PORT ?? 24678) } },
});
