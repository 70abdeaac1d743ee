import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { hotspotPaymentNudgeSignal } from '../workflows/hotspot-purchase';

/**
 * A hotspot guest's payment recorded after its payment workflow ended (a late callback): the purchase
 * (`hotspot-<tenant>-<uuid>`, the payment being `mpesa-<tenant>-<uuid>`) is told at once instead of finding
 * it at its next look. Never throws: a purchase that is over needs no nudge, and one that misses it (Temporal
 * away) still re-reads the checkout on its own schedule.
 */
export async function nudgeHotspotPurchase(client: Client, checkout: { purpose: string; workflowId: string }): Promise<'nudged' | 'not_hotspot' | 'gone' | 'failed'> {
  if (checkout.purpose !== 'hotspot' || !checkout.workflowId.startsWith('mpesa-')) return 'not_hotspot';
  try {
    await client.workflow.getHandle(`hotspot-${checkout.workflowId.slice('mpesa-'.length)}`).signal(hotspotPaymentNudgeSignal);
    return 'nudged';
  } catch (err) {
    return err instanceof WorkflowNotFoundError ? 'gone' : 'failed';
  }
}
