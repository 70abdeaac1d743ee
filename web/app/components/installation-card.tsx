import { Form, Link, useNavigation } from '@remix-run/react';
import type { BoardItem } from '../../../db/queries/installations';
import { formatKenyanPhone } from '../../../domain/phone';
import { formatNairobiTime, utcToNairobiLocal } from '../lifecycle/nairobi';
import type { Wire } from './customer-detail';
import { CsrfField, Field, SelectField } from './form';
import { formatEat } from './labels';

type Option = { value: string; label: string };
export interface Choices {
  technicians: Option[];
  routers: Option[];
  packages: Option[];
}

/** One customer on the installations board, with the booking and completion forms for those who may use them. */
export function InstallationCard({ item: b, csrf, choices, canManage, errors }: { item: Wire<BoardItem>; csrf: string; choices: Choices; canManage: boolean; errors?: Record<string, string> }) {
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting' && navigation.formData?.get('customerId') === b.customerId ? navigation.formData.get('intent') : null;
  return (
    <li className="card" data-testid={`installation-${b.accountNumber}`}>
      <h3>
        <Link to={`/dashboard/customers/${b.customerId}`}>{b.name}</Link> <small>{b.accountNumber}</small>
      </h3>
      <p>
        <a href={`tel:+${b.phone}`}>{formatKenyanPhone(b.phone)}</a> · {b.address ?? 'no address'}
        {b.latitude !== null && b.longitude !== null ? (
          <>
            {' '}
            · <a href={`https://www.openstreetmap.org/?mlat=${b.latitude}&mlon=${b.longitude}#map=18/${b.latitude}/${b.longitude}`}>map</a>
          </>
        ) : null}
      </p>
      <p>Package: {b.packageName ?? 'not chosen yet'}</p>
      {b.status === 'scheduled' && b.scheduledAt ? (
        <p>
          <strong>{formatNairobiTime(b.scheduledAt)}</strong> with {b.technicianName ?? 'unassigned'}
        </p>
      ) : null}
      {b.status === 'completed' ? (
        <p>
          Completed {formatEat(b.completedAt)} · {b.routerName ?? 'router ?'} · serial {b.equipmentSerial ?? '—'}
        </p>
      ) : null}
      {canManage && b.status !== 'completed' ? (
        <>
          <details open={b.status === 'unscheduled' || busy === 'schedule' || Boolean(errors?.technicianId || errors?.scheduledAt)}>
            <summary>{b.status === 'scheduled' ? 'Reschedule' : 'Book the visit'}</summary>
            <Form method="post" className="stack">
              <CsrfField token={csrf} />
              <input type="hidden" name="customerId" value={b.customerId} />
              <input type="hidden" name="intent" value="schedule" />
              <SelectField name="technicianId" id={`technicianId-${b.customerId}`} label="Technician" required errors={errors} defaultValue={b.technicianId ?? choices.technicians[0]?.value ?? ''} options={choices.technicians} />
              <Field name="scheduledAt" id={`scheduledAt-${b.customerId}`} label="Date and time (Nairobi)" type="datetime-local" required errors={errors} defaultValue={b.scheduledAt ? utcToNairobiLocal(b.scheduledAt) : ''} />
              <button type="submit" disabled={busy !== null} aria-busy={busy === 'schedule'}>
                {busy === 'schedule' ? 'Booking…' : b.status === 'scheduled' ? 'Reschedule' : 'Book'}
              </button>
            </Form>
          </details>
          <details open={busy === 'complete' || Boolean(errors?.routerId || errors?.equipmentSerial || errors?.packageId)}>
            <summary>Mark installed</summary>
            <Form method="post" className="stack">
              <CsrfField token={csrf} />
              <input type="hidden" name="customerId" value={b.customerId} />
              <input type="hidden" name="intent" value="complete" />
              <SelectField name="routerId" id={`routerId-${b.customerId}`} label="Router" required errors={errors} defaultValue={choices.routers[0]?.value ?? ''} options={choices.routers} />
              <Field name="equipmentSerial" id={`equipmentSerial-${b.customerId}`} label="Equipment serial" required errors={errors} autoComplete="off" />
              <SelectField name="packageId" id={`packageId-${b.customerId}`} label="Package" required errors={errors} defaultValue={b.packageId ?? choices.packages[0]?.value ?? ''} options={choices.packages} />
              <button type="submit" disabled={busy !== null} aria-busy={busy === 'complete'}>
                {busy === 'complete' ? 'Activating…' : 'Installed'}
              </button>
            </Form>
          </details>
        </>
      ) : null}
    </li>
  );
}
