import { z } from 'zod';

// Daraja is loose with types: codes and lifetimes arrive as strings or numbers depending on the endpoint.
const codeText = z.union([z.string(), z.number()]).transform(String);
const codeNumber = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);

export const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: codeNumber.pipe(z.number().positive()),
});

export const stkPushResponse = z.object({
  MerchantRequestID: z.string(),
  CheckoutRequestID: z.string().min(1),
  ResponseCode: codeText,
  ResponseDescription: z.string(),
  CustomerMessage: z.string().optional(),
});

export const stkQueryResponse = z.object({
  ResponseCode: codeText,
  ResultCode: codeNumber,
  ResultDesc: z.string(),
});

// The acknowledgements spell it "OriginatorCoversationID"; some versions fix the typo.
export const c2bRegisterResponse = z
  .object({
    OriginatorCoversationID: z.string().optional(),
    OriginatorConversationID: z.string().optional(),
    ResponseCode: codeText,
    ResponseDescription: z.string(),
  })
  .transform((r) => ({
    originatorConversationId: r.OriginatorConversationID ?? r.OriginatorCoversationID ?? '',
    responseCode: r.ResponseCode,
    responseDescription: r.ResponseDescription,
  }));
