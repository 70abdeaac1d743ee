/** A control-API request the simulator refuses (unknown push, already ended, bad outcome), with its HTTP status. */
export class ControlError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
