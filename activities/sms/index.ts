export { createSmsActivities, type SendSmsInput, type SendSmsResult, type SmsActivities } from './activities';
export { createAfricasTalkingGateway, type AfricasTalkingConfig } from './africastalking';
export { SMS_FAILURES } from './failures';
export type { SmsGateway, SmsRecipientResult, SmsSendRequest } from './gateway';
