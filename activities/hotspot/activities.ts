import { ApplicationFailure } from '@temporalio/common';
import type { Sql } from '../../db/client';
import { encryptSecret } from '../../db/encryption';
import { audit } from '../../db/queries/audit';
import { hotspot, type HotspotPurchaseStatus } from '../../db/queries/hotspot';
import { hotspotVouchers } from '../../db/queries/hotspot-vouchers';
import { mpesa } from '../../db/queries/mpesa';
import { newAccessCode, newHotspotPassword } from '../../domain/hotspot';

const SYSTEM_ACTOR = { id: null, label: 'system' } as const;

export const HOTSPOT_FAILURES = {
  /** The purchase row the workflow was started for does not exist. Non-retryable. */
  purchaseNotFound: 'HotspotPurchaseNotFound',
} as const;

export interface CheckoutOutcome {
  status: 'pending' | 'paid' | 'failed' | 'cancelled' | 'timeout' | 'missing';
  paymentId: string | null;
}

/**
 * The database side of a hotspot purchase: credentials, status, and the wallet credit + staff alert when
 * the router never took the guest. Each is idempotent by purchase id, so retries change nothing twice.
 */
export function createHotspotActivities({ sql, encryptionKey }: { sql: Sql; encryptionKey: Buffer }) {
  return {
    /**
     * The code and sealed password for a paid purchase: drawn once, kept for every retry. A code another guest
     * holds (unique per ISP) is drawn again; with 887 million codes a second collision is vanishingly rare.
     */
    async assignHotspotCredentials(input: { purchaseId: string; paymentId: string | null }): Promise<{ code: string; passwordEnc: string }> {
      for (let attempt = 0; attempt < 8; attempt++) {
        try {
          return await hotspot.assignCredentials(sql, {
            id: input.purchaseId,
            paymentId: input.paymentId,
            code: newAccessCode(),
            passwordEnc: encryptSecret(newHotspotPassword(), encryptionKey),
          });
        } catch (err) {
          if ((err as { code?: string }).code === '23505') continue;
          if (err instanceof Error && err.message.startsWith('no hotspot purchase')) {
            throw ApplicationFailure.nonRetryable(err.message, HOTSPOT_FAILURES.purchaseNotFound);
          }
          throw err;
        }
      }
      throw new Error('could not draw an unused access code in 8 attempts');
    },

    async setHotspotStatus(input: {
      purchaseId: string;
      status: HotspotPurchaseStatus;
      failure?: string | null;
      provisionedAt?: string;
      expiresAt?: string;
      loggedInAt?: string;
      endedAt?: string;
    }): Promise<void> {
      await hotspot.setStatus(sql, input.purchaseId, {
        status: input.status,
        ...(input.failure !== undefined ? { failure: input.failure } : {}),
        ...(input.provisionedAt ? { provisionedAt: new Date(input.provisionedAt) } : {}),
        ...(input.expiresAt ? { expiresAt: new Date(input.expiresAt) } : {}),
        ...(input.loggedInAt ? { loggedInAt: new Date(input.loggedInAt) } : {}),
        ...(input.endedAt ? { endedAt: new Date(input.endedAt) } : {}),
      });
    },

    /** Where a payment attempt stands in the database: the webhook records a callback that came after the workflow ended. */
    async hotspotCheckoutOutcome(input: { paymentWorkflowId: string }): Promise<CheckoutOutcome> {
      const checkout = await mpesa.checkoutByWorkflow(sql, input.paymentWorkflowId);
      if (!checkout) return { status: 'missing', paymentId: null };
      return { status: checkout.status, paymentId: checkout.paymentId };
    },

    /**
     * Money in, no access possible: the amount goes to a wallet for the phone number and staff see an alert
     * (an audit entry `hotspot.provisioning_failed`, listed on the hotspot page) in the same transaction. A
     * voucher redemption has no money to keep: its card is released to work again.
     */
    async creditHotspotWallet(input: { tenantId: string; purchaseId: string; phone: string | null; amountCents: number; reason: string }): Promise<{ credited: boolean }> {
      const reason = input.reason.slice(0, 500);
      return sql.begin(async (tx) => {
        const credited = input.phone
          ? await hotspot.creditWallet(tx, { tenantId: input.tenantId, phone: input.phone, purchaseId: input.purchaseId, amountCents: input.amountCents, reason })
          : await hotspotVouchers.release(tx, input.purchaseId);
        await hotspot.setStatus(tx, input.purchaseId, { status: 'credited', failure: reason, endedAt: new Date() });
        if (credited) {
          await audit.record(tx, {
            tenantId: input.tenantId,
            actor: SYSTEM_ACTOR,
            action: 'hotspot.provisioning_failed',
            entityType: 'hotspot_purchase',
            entityId: input.purchaseId,
            after: input.phone ? { phone: input.phone, amountCents: input.amountCents, walletCredit: true, reason } : { voucherReleased: true, reason },
          });
        }
        return { credited };
      });
    },
  };
}

export type HotspotActivities = ReturnType<typeof createHotspotActivities>;
