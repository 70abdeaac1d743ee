import { json, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { ServiceStatus } from '../components/service-status';

export const meta: MetaFunction = () => [{ title: 'Back office · Mtandao' }];

export async function loader({ context }: LoaderFunctionArgs) {
  return json({ readiness: await context.readiness() });
}

export default function Portal() {
  const { readiness } = useLoaderData<typeof loader>();
  return (
    <main className="page narrow">
      <p className="brand">Mtandao</p>
      <h1>Back office</h1>
      <p>Staff sign-in, customers, billing, routers and payments live here.</p>
      <ServiceStatus readiness={readiness} />
    </main>
  );
}
