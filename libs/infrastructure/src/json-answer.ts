import type { ServerResponse } from 'node:http';

/**
 * A JSON answer kept ready to send: its bytes and, once the HTTP layer has computed it for
 * these bytes, their entity tag. Kept answers (a cached tab page) are then neither encoded
 * nor hashed again on every request.
 */
export interface JsonAnswer {
  readonly body: Buffer;
  etag?: string;
}

export function jsonAnswer(text: string): JsonAnswer {
  return { body: Buffer.from(text, 'utf8') };
}

/** The part of Express's response that sending an answer uses. */
export interface ExpressResponse extends ServerResponse {
  app: { get(setting: 'etag fn'): ((body: Buffer) => string | undefined) | undefined };
  send(body: Buffer): unknown;
}

/**
 * Sends the answer as `res.send(text)` would: the same Content-Length, and the same ETag
 * (Express's own `etag fn`, computed once per kept answer; none if the app disabled ETags),
 * so that conditional requests still get their 304. The caller sets the Content-Type.
 */
export function sendJsonAnswer(res: ExpressResponse, answer: JsonAnswer): void {
  if (answer.etag === undefined) {
    const etagOf = res.app.get('etag fn');
    if (typeof etagOf === 'function') answer.etag = etagOf(answer.body);
  }
  if (answer.etag) res.setHeader('ETag', answer.etag);
  res.send(answer.body);
}
