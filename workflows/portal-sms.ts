import { proxyActivities } from '@temporalio/workflow';
import type { SendSmsInput, SendSmsResult, SmsActivities } from '../activities/sms/activities';

const { sendSms } = proxyActivities<SmsActivities>({
  startToCloseTimeout: '30 seconds',
  // A sign-in code is useless after 10 minutes: a few quick retries, then give up.
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '20 seconds', maximumAttempts: 5 },
});

/**
 * One SMS from the client portal (a one-time code or a set-password link), id `portal-sms-<key>`. The web
 * process has no SMS gateway of its own: the worker's sendSms (log → send → log, once per key) is the one seam.
 */
export async function portalSms(input: SendSmsInput): Promise<SendSmsResult> {
  return sendSms(input);
}
