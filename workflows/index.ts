// The single bundle entry for workers: every workflow type is exported from here.
export { platformCheck } from './platform-check';
export { smsCampaign } from './sms-campaign';
export { mpesaPayment } from './mpesa-payment';
export { routerMonitor } from './router-monitor';
export { routerReconcile } from './router-reconcile';
export { routerUsage } from './router-usage';
export { hotspotPurchase } from './hotspot-purchase';
export { customerLifecycle } from './customer-lifecycle/workflow';
export { portalSms } from './portal-sms';
