import { z } from 'zod';
import type { PackageInput } from '../../../db/queries/packages';
import { checkbox, choice, integer, optionalInteger, shillings, text } from './fields';

/** The package form: speeds in Mbps as people quote them, stored in kbps; price in KES, stored in cents. */
export const packageSchema = z
  .object({
    kind: choice('PPPoE or hotspot', ['pppoe', 'hotspot']),
    name: text('a name', 60, 2),
    downloadMbps: integer('the download speed (Mbps)', 1, 10_000),
    uploadMbps: integer('the upload speed (Mbps)', 1, 10_000),
    burstDownloadMbps: optionalInteger('the burst download speed', 1, 10_000),
    burstUploadMbps: optionalInteger('the burst upload speed', 1, 10_000),
    dataCapGb: optionalInteger('the data cap (GB)', 1, 100_000),
    price: shillings('the price'),
    validityUnit: choice('how long it lasts', ['month', 'day', 'hour']),
    validityCount: integer('the number of months, days or hours', 1, 744),
    sharedDevices: integer('the number of devices', 1, 50),
    active: checkbox(),
    sortOrder: optionalInteger('the sort order', -1000, 1000),
  })
  .superRefine((p, ctx) => {
    if ((p.burstDownloadMbps === null) !== (p.burstUploadMbps === null)) {
      ctx.addIssue({ code: 'custom', path: ['burstUploadMbps'], message: 'Give both burst speeds, or neither' });
    }
    if (p.burstDownloadMbps !== null && p.burstDownloadMbps <= p.downloadMbps) {
      ctx.addIssue({ code: 'custom', path: ['burstDownloadMbps'], message: 'Burst download must be faster than the normal download speed' });
    }
    if (p.burstUploadMbps !== null && p.burstUploadMbps <= p.uploadMbps) {
      ctx.addIssue({ code: 'custom', path: ['burstUploadMbps'], message: 'Burst upload must be faster than the normal upload speed' });
    }
    if (p.validityUnit === 'month' && p.validityCount > 12) {
      ctx.addIssue({ code: 'custom', path: ['validityCount'], message: 'Monthly packages last at most 12 months' });
    }
    if (p.kind === 'pppoe' && p.sharedDevices !== 1) {
      ctx.addIssue({ code: 'custom', path: ['sharedDevices'], message: 'A PPPoE line is one connection; shared devices apply to hotspot packages' });
    }
  })
  .transform(
    (p): PackageInput => ({
      kind: p.kind,
      name: p.name,
      downloadKbps: p.downloadMbps * 1000,
      uploadKbps: p.uploadMbps * 1000,
      burstDownloadKbps: p.burstDownloadMbps === null ? null : p.burstDownloadMbps * 1000,
      burstUploadKbps: p.burstUploadMbps === null ? null : p.burstUploadMbps * 1000,
      dataCapBytes: p.dataCapGb === null ? null : p.dataCapGb * 1_000_000_000,
      priceCents: p.price,
      validityUnit: p.validityUnit,
      validityCount: p.validityCount,
      sharedDevices: p.sharedDevices,
      active: p.active,
      sortOrder: p.sortOrder ?? 0,
    }),
  );
