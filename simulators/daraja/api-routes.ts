import type { FastifyInstance } from 'fastify';
import { conversationId, requestId } from './ids';
import { invalidField, invalidToken, merchantError, sendError } from './envelope';
import type { SimulatorCore } from './simulator-core';
import { validatePush, validateQuery } from './stk-validation';

const asRecord = (body: unknown): Record<string, unknown> => (body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {});

function basicCredentials(header: string | undefined): { key: string; secret: string } | undefined {
  const encoded = /^Basic (\S+)$/.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** The Daraja endpoints Mtandao calls, answering as Safaricom does (see integration-facts §1). */
export function registerDarajaApi(app: FastifyInstance, core: SimulatorCore): void {
  app.get('/oauth/v1/generate', async (request, reply) => {
    const given = basicCredentials(request.headers.authorization);
    const { consumerKey, consumerSecret } = core.credentials;
    if (given?.key !== consumerKey || given.secret !== consumerSecret) return sendError(reply, 400, '400.008.01', 'Invalid Authentication passed');
    if ((request.query as Record<string, unknown>).grant_type !== 'client_credentials') {
      return sendError(reply, 400, '400.008.02', 'Invalid grant type passed');
    }
    return core.tokens.issue(core.settings.tokenTtlSeconds);
  });

  void app.register(async (api) => {
    api.addHook('onRequest', async (request, reply) => {
      if (!core.tokens.accepts(request.headers.authorization)) return invalidToken(reply);
    });

    api.post('/mpesa/stkpush/v1/processrequest', async (request, reply) => {
      const result = validatePush(asRecord(request.body), core.merchants);
      if ('field' in result) return invalidField(reply, result.field);
      if ('merchantError' in result) return merchantError(reply, result.merchantError);
      if (core.stk.isLocked(result.phone)) {
        return merchantError(reply, 'Unable to lock subscriber, a transaction is already in process for the current subscriber');
      }
      const push = core.stk.accept(result);
      // "Accepted for processing" only: the money moves (or not) when the customer answers the prompt.
      return {
        MerchantRequestID: push.merchantRequestId,
        CheckoutRequestID: push.checkoutRequestId,
        ResponseCode: '0',
        ResponseDescription: 'Success. Request accepted for processing',
        CustomerMessage: 'Success. Request accepted for processing',
      };
    });

    api.post('/mpesa/stkpushquery/v1/query', async (request, reply) => {
      const result = validateQuery(asRecord(request.body), core.merchants);
      if ('field' in result) return invalidField(reply, result.field);
      if ('merchantError' in result) return merchantError(reply, result.merchantError);
      const push = core.stk.get(result.checkoutRequestId);
      if (!push) return invalidField(reply, 'CheckoutRequestID');
      if (push.status === 'pending') return merchantError(reply, 'The transaction is being processed');
      return {
        ResponseCode: '0',
        ResponseDescription: 'The service request has been accepted successsfully', // sic: Daraja's spelling
        MerchantRequestID: push.merchantRequestId,
        CheckoutRequestID: push.checkoutRequestId,
        ResultCode: String(push.resultCode), // a string here, a number in the callback
        ResultDesc: push.resultDesc,
      };
    });

    for (const version of ['v1', 'v2'] as const) {
      api.post(`/mpesa/c2b/${version}/registerurl`, async (request, reply) => {
        const result = core.c2b.register(asRecord(request.body), version);
        if ('field' in result) return invalidField(reply, result.field);
        return { OriginatorCoversationID: requestId(), ResponseCode: '0', ResponseDescription: 'success' }; // sic
      });
    }

    api.post('/mpesa/c2b/v1/simulate', async (request, reply) => {
      const result = core.c2b.simulate(asRecord(request.body));
      if ('field' in result) return invalidField(reply, result.field);
      return {
        ConversationID: conversationId(new Date(result.createdAt)),
        OriginatorCoversationID: requestId(),
        ResponseCode: '0',
        ResponseDescription: 'Accept the service request successfully.',
      };
    });
  });
}
