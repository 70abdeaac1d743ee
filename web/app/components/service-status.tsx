import type { Readiness } from '../../server/readiness';

const labels: Record<keyof Readiness['checks'], string> = {
  database: 'Database',
  temporal: 'Workflow engine',
  worker: 'Background worker',
};

/** The platform's own health, shown where staff and customers land until their portals fill in. */
export function ServiceStatus({ readiness }: { readiness: Readiness }) {
  return (
    <section className="card" aria-label="Service status">
      <h2 className={readiness.ready ? 'status-ok' : 'status-bad'}>
        {readiness.ready ? 'All systems running' : 'Some services are not ready'}
      </h2>
      <ul>
        {(Object.keys(labels) as (keyof Readiness['checks'])[]).map((key) => (
          <li key={key}>
            {labels[key]}: <span className={readiness.checks[key].ok ? 'status-ok' : 'status-bad'}>{readiness.checks[key].ok ? 'OK' : readiness.checks[key].detail}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
