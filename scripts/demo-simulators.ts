import { startAfricasTalkingSimulator } from '../simulators/africastalking/server';
import { SANDBOX_PASSKEY, SANDBOX_SHORTCODE, SIM_CONSUMER_KEY, SIM_CONSUMER_SECRET } from '../simulators/daraja/defaults';
import { startDarajaSimulator } from '../simulators/daraja/server';
import { startRouterOsSimulator, type RouterOsSimulator } from '../simulators/routeros/simulator';
import type { PortClaim } from './ports';

/** Fixed so the seeded routers (db/seed.ts) and bookmarks keep working across restarts. */
export const DEMO_ROUTERS = [
  { name: 'Kahawa Core', port: 8728, tlsPort: 8729, controlPort: 9728 },
  { name: 'Roysambu Tower', port: 8738, tlsPort: 8739, controlPort: 9738 },
];
const DARAJA_PORT = 8091;
const AT_PORT = 8092;

export function demoPortClaims(): PortClaim[] {
  const setting = 'DEMO_MODE=false (or stop whatever holds it)';
  return [
    ...DEMO_ROUTERS.flatMap((r) => [
      { port: r.port, what: `RouterOS simulator "${r.name}"`, setting },
      { port: r.tlsPort, what: `RouterOS simulator "${r.name}" (API-SSL)`, setting },
      { port: r.controlPort, what: `RouterOS simulator "${r.name}" control API`, setting },
    ]),
    { port: DARAJA_PORT, what: 'M-Pesa Daraja simulator', setting },
    { port: AT_PORT, what: "Africa's Talking simulator", setting },
  ];
}

/**
 * The demo's stand-ins for MikroTik, Safaricom and Africa's Talking: the real client code talks to
 * them over real sockets. Returns the settings that point the worker and web server at them; any of
 * those the operator already set (to real endpoints) wins.
 */
export async function startDemoSimulators(opts: { webUrl: string; smsWebhookToken: string }) {
  const routers: RouterOsSimulator[] = [];
  for (const r of DEMO_ROUTERS) {
    routers.push(await startRouterOsSimulator({ port: r.port, tlsPort: r.tlsPort, controlPort: r.controlPort, identity: r.name }));
  }
  // Manual: each STK push waits on the simulator's phone page for Approve / Cancel / Wrong PIN.
  const daraja = await startDarajaSimulator({ port: DARAJA_PORT, manual: true });
  const sms = await startAfricasTalkingSimulator({ port: AT_PORT, dlrUrl: `${opts.webUrl}/api/webhooks/africastalking/delivery/${opts.smsWebhookToken}` });

  const env: Record<string, string> = {
    DARAJA_BASE_URL: daraja.url,
    DARAJA_CONSUMER_KEY: SIM_CONSUMER_KEY,
    DARAJA_CONSUMER_SECRET: SIM_CONSUMER_SECRET,
    DARAJA_SHORTCODE: SANDBOX_SHORTCODE,
    DARAJA_PASSKEY: SANDBOX_PASSKEY,
    AT_BASE_URL: sms.url,
    AT_USERNAME: sms.username,
    AT_API_KEY: sms.apiKey,
    PUBLIC_URL: opts.webUrl,
  };
  for (const key of Object.keys(env)) if (process.env[key]) delete env[key];

  return {
    env,
    lines: [
      `  M-Pesa phone    ${daraja.url}/_sim/phone   (approve STK pushes by hand)`,
      `  SMS inbox       ${sms.url}/_sim/inbox`,
      ...routers.map((r, i) => `  Router ${DEMO_ROUTERS[i]!.name.padEnd(15)} api 127.0.0.1:${r.port}, control ${r.controlUrl}`),
    ],
    async stop() {
      await Promise.allSettled([daraja.stop(), sms.stop(), ...routers.map((r) => r.stop())]);
    },
  };
}
