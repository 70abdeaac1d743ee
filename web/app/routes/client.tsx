import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { ServiceStatus } from '../components/service-status';

export const meta: MetaFunction = () => [{ title: 'My account · Mtandao' }];

export async function loader({ context }: LoaderFunctionArgs) {
  return json({ readiness: await context.readiness() });
}

export default function Portal() {
  const { readiness } = useLoaderData<typeof loader>();
  return (
    <main className="page narrow">
      <p className="brand">Mtandao</p>
      <h1>My account</h1>
      <p>Customers will pay, download invoices and see usage here.</p>
      <ServiceStatus readiness={readiness} />
    </main>
  );
}
