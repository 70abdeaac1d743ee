/** One plain-text email. Not yet wired to templates: notices go by SMS; this is the seam email will use. */
export interface EmailMessage {
  to: string | string[];
  subject: string;
  text: string;
  /** Defaults to the gateway's configured sender. */
  from?: string;
  replyTo?: string;
}

export interface EmailSendResult {
  /** The Message-ID header we set, `<…@domain>`. */
  messageId: string;
  /** Recipients the server took; the others are in `rejected` with its reply. */
  accepted: string[];
  rejected: { address: string; reply: string }[];
  /** The server's answer to the end of DATA (often carries its queue id). */
  response: string;
}

export interface EmailGateway {
  /** Throws when nobody was accepted or the server failed; a partial refusal is reported, not thrown. */
  send(message: EmailMessage): Promise<EmailSendResult>;
}
