import type { MetaFunction } from '@remix-run/node';

export const meta: MetaFunction = () => [{ title: 'Mtandao' }];

const portals = [
  { href: '/dashboard', title: 'Back office', text: 'Staff: customers, billing, routers and payments.' },
  { href: '/client', title: 'My account', text: 'Customers: pay, see invoices and usage, change package.' },
  { href: '/hotspot', title: 'Hotspot', text: 'Guests: buy an hour, a day or a week online with M-Pesa.' },
];

export default function Index() {
  return (
    <main className="page">
      <h1 className="brand">Mtandao</h1>
      <p>Internet billing and network automation for your ISP.</p>
      <ul className="cards">
        {portals.map((p) => (
          <li key={p.href} className="card">
            <h2>
              <a href={p.href}>{p.title}</a>
            </h2>
            <p>{p.text}</p>
          </li>
        ))}
      </ul>
    </main>
  );
}
