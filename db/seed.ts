import argon2 from 'argon2';
import type { Sql, Tx } from './client';
import { encryptSecret } from './encryption';
import { seedPortalDemo } from './seed-portal';
import { customers, type CustomerStatus } from './queries/customers';
import { packages, type PackageInput } from './queries/packages';
import { routers } from './queries/routers';
import { STAFF_ROLES, staff } from './queries/staff';
import { tenants } from './queries/tenants';

export const DEMO_TENANT_SLUG = 'demo';
export const DEMO_PASSWORD = 'mtandao-demo';
export const demoEmail = (role: string) => `${role}@demo.mtandao.local`;
/** Two resellers, so the demo (and the tests) can show one never sees the other's customers. */
export const SECOND_RESELLER_EMAIL = 'reseller2@demo.mtandao.local';

const DEMO_PACKAGES: PackageInput[] = [
  pppoe('Home 5 Mbps', 5, 150_000, 1),
  pppoe('Home 10 Mbps', 10, 250_000, 2),
  pppoe('Home 20 Mbps', 20, 350_000, 3),
  hotspot('1 hour', 2, 1_000, 'hour', 1, 1, 10),
  hotspot('24 hours', 3, 5_000, 'hour', 24, 1, 11),
  hotspot('7 days', 3, 25_000, 'day', 7, 2, 12),
];

const FIRST = ['Wanjiku', 'Otieno', 'Achieng', 'Kamau', 'Njeri', 'Mwangi', 'Atieno', 'Kipchoge', 'Chebet', 'Mutua', 'Wambui', 'Omondi', 'Akinyi', 'Kiprono', 'Nyambura', 'Barasa', 'Wairimu', 'Ochieng', 'Jepkosgei', 'Musyoka'];
const LAST = ['Kariuki', 'Odhiambo', 'Wafula', 'Njoroge', 'Kiptoo', 'Mutiso', 'Onyango', 'Gitau', 'Rotich', 'Nduta', 'Okoth', 'Maina', 'Kilonzo', 'Cherono', 'Waweru'];
const PLACES = ['Kahawa West', 'Roysambu', 'Githurai 45', 'Zimmerman', 'Kasarani', 'Ruiru Bypass', 'Juja Road', 'Umoja II', 'Kitengela', 'Rongai'];
const STATUS_MIX: CustomerStatus[] = [
  ...Array<CustomerStatus>(26).fill('active'),
  ...Array<CustomerStatus>(8).fill('suspended'),
  ...Array<CustomerStatus>(5).fill('installation'),
  ...Array<CustomerStatus>(4).fill('kyc_review'),
  ...Array<CustomerStatus>(3).fill('applied'),
  ...Array<CustomerStatus>(2).fill('terminated'),
  ...Array<CustomerStatus>(2).fill('rejected'),
];

/**
 * Demo data for `npm start` in demo mode: one ISP, a login per role, Kenyan-typical packages, two
 * routers (the RouterOS simulator's addresses) and ~50 customers in mixed states. Runs once: an
 * existing demo tenant is left as it is, so demo edits survive restarts.
 */
export async function seedDemo(sql: Sql, opts: { encryptionKey: Buffer }): Promise<{ created: boolean }> {
  if (await tenants.bySlug(sql, DEMO_TENANT_SLUG)) return { created: false };
  const passwordHash = await argon2.hash(DEMO_PASSWORD, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  await sql.begin(async (tx) => {
    const tenant = await tenants.create(tx, { name: 'Demo Networks Ltd', slug: DEMO_TENANT_SLUG, status: 'active' });
    await tx`update tenants set paybill = '174379', sms_sender_id = 'DEMONET', kra_pin = 'P051234567Q' where id = ${tenant.id}`;

    const members = new Map<string, string>();
    for (const role of STAFF_ROLES) {
      const member = await staff.create(tx, { tenantId: role === 'super_admin' ? null : tenant.id, email: demoEmail(role), name: `Demo ${role.replace('_', ' ')}`, role, passwordHash });
      members.set(role, member.id);
    }
    const reseller2 = await staff.create(tx, { tenantId: tenant.id, email: SECOND_RESELLER_EMAIL, name: 'Demo reseller two', role: 'reseller', passwordHash });

    const plans = [];
    for (const p of DEMO_PACKAGES) plans.push(await packages.create(tx, tenant.id, p));
    const pppoePlans = plans.filter((p) => p.kind === 'pppoe');

    const routerIds = [];
    for (const [i, name] of ['Kahawa Core', 'Roysambu Tower'].entries()) {
      const r = await routers.create(tx, tenant.id, {
        name,
        host: '127.0.0.1',
        apiPort: 8728 + i * 10,
        useTls: false,
        username: 'admin',
        passwordEnc: encryptSecret('mtandao', opts.encryptionKey),
        site: PLACES[i]!,
      });
      routerIds.push(r.id);
    }

    for (let i = 0; i < STATUS_MIX.length; i++) {
      const status = STATUS_MIX[i]!;
      const owner = i % 10 === 3 ? members.get('reseller')! : i % 10 === 7 ? reseller2.id : null;
      const c = await customers.create(tx, tenant.id, {
        firstName: FIRST[i % FIRST.length]!,
        lastName: LAST[(i * 7) % LAST.length]!,
        phone: `2547${String(11_000_000 + i * 7_919).padStart(8, '0')}`,
        email: i % 3 === 0 ? `customer${i + 1}@example.co.ke` : null,
        nationalId: String(20_000_000 + i * 104_729),
        kraPin: i % 4 === 0 ? `A${String(100_000_000 + i * 7).slice(0, 9)}Z` : null,
        address: `${PLACES[i % PLACES.length]}, Nairobi`,
        latitude: -1.2 - (i % 10) / 100,
        longitude: 36.8 + (i % 7) / 100,
        status,
        notes: null,
        resellerId: owner,
      });
      if (status === 'active' || status === 'suspended') await subscribe(tx, tenant.id, c.id, pppoePlans[i % 3]!.id, routerIds[i % 2]!, status, i, opts.encryptionKey);
    }
    await seedPortalDemo(tx, { tenantId: tenant.id, packageIds: pppoePlans.map((p) => p.id), routerId: routerIds[0]!, passwordHash, encryptionKey: opts.encryptionKey });
  });
  return { created: true };
}

async function subscribe(tx: Tx, tenantId: string, customerId: string, packageId: string, routerId: string, status: 'active' | 'suspended', i: number, key: Buffer) {
  const [pkg] = await tx<{ price: number }[]>`select price_cents as price from packages where id = ${packageId}`;
  // Active lines expire over the coming month; suspended ones expired in the past few days.
  const expiresIn = status === 'active' ? `${(i % 28) + 1} days` : `-${(i % 5) + 1} days`;
  await tx`
    insert into subscriptions (tenant_id, customer_id, package_id, router_id, service_username, service_password_enc, status,
      current_period_start, current_period_end, expires_at)
    values (${tenantId}, ${customerId}, ${packageId}, ${routerId}, ${`demo${String(i + 1).padStart(3, '0')}`}, ${encryptSecret(`pw-${i}-demo`, key)},
      ${status}, now() + ${expiresIn}::interval - interval '1 month', now() + ${expiresIn}::interval, now() + ${expiresIn}::interval)`;
  if (status !== 'active') return;
  const receipt = `SEED${String(i).padStart(6, '0')}`;
  const [payment] = await tx<{ id: string }[]>`
    insert into payments (tenant_id, customer_id, method, amount_cents, external_ref, payer_phone, received_at)
    select ${tenantId}, ${customerId}, 'mpesa_c2b', ${pkg!.price}, ${receipt}, phone, now() - ${`${i % 20} days`}::interval - interval '2 hours'
    from customers where id = ${customerId}
    returning id`;
  await tx`insert into ledger_entries (tenant_id, customer_id, kind, amount_cents, payment_id, description)
    values (${tenantId}, ${customerId}, 'payment', ${pkg!.price}, ${payment!.id}, ${`M-Pesa ${receipt}`})`;
}

function pppoe(name: string, mbps: number, priceCents: number, sortOrder: number): PackageInput {
  return { kind: 'pppoe', name, downloadKbps: mbps * 1000, uploadKbps: mbps * 1000, burstDownloadKbps: null, burstUploadKbps: null, dataCapBytes: null, priceCents, validityUnit: 'month', validityCount: 1, sharedDevices: 1, active: true, sortOrder };
}

function hotspot(name: string, mbps: number, priceCents: number, unit: 'hour' | 'day', count: number, devices: number, sortOrder: number): PackageInput {
  return { kind: 'hotspot', name, downloadKbps: mbps * 1000, uploadKbps: mbps * 1000, burstDownloadKbps: null, burstUploadKbps: null, dataCapBytes: null, priceCents, validityUnit: unit, validityCount: count, sharedDevices: devices, active: true, sortOrder };
}
