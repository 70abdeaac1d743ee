import type { FastifyReply } from 'fastify';
import { requestId } from './ids';

/** Daraja's one error shape: `{"requestId","errorCode":"<http>.<group>.<n>","errorMessage"}`. */
export function sendError(reply: FastifyReply, status: number, errorCode: string, errorMessage: string): FastifyReply {
  return reply.status(status).send({ requestId: requestId(), errorCode, errorMessage });
}

export const invalidField = (reply: FastifyReply, field: string) => sendError(reply, 400, '400.002.02', `Bad Request - Invalid ${field}`);
export const invalidToken = (reply: FastifyReply) => sendError(reply, 404, '404.001.03', 'Invalid Access Token');
export const merchantError = (reply: FastifyReply, message: string) => sendError(reply, 500, '500.001.1001', message);
