import { Outlet } from '@remix-run/react';

/**
 * The captive portal ships no JavaScript bundle (root.tsx leaves out <Scripts /> for `hydrate: false`): guests
 * are on cheap phones and slow links, so every page is plain server-rendered HTML with forms and meta refresh.
 */
export const handle = { hydrate: false };

export default function HotspotLayout() {
  return (
    <main className="page narrow hotspot">
      <Outlet />
    </main>
  );
}
