import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { ServiceStatus } from '../components/service-status';

export const meta: MetaFunction = () => [{ title: 'Hotspot · Mtandao' }];

export async function loader({ context }: LoaderFunctionArgs) {
  return json({ readiness: await context.readiness() });
}

export default function Portal() {
  const { readiness } = useLoaderData<typeof loader>();
  return (
    <main className="page narrow">
      <p className="brand">Mtandao</p>
      <h1>Hotspot</h1>
      <p>Guests arriving from a MikroTik hotspot pick a package and pay with M-Pesa here.</p>
      <ServiceStatus readiness={readiness} />
    </main>
  );
}
