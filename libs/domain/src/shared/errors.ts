/** A command that does not fit: mapped to HTTP by the API (404, 409, 400). */
export abstract class DomainError extends Error {
  abstract readonly kind: 'not_found' | 'wrong_state' | 'conflict' | 'invalid';
  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class NotFound extends DomainError {
  override readonly name = 'NotFound';
  readonly kind = 'not_found' as const;
}

/** The command does not fit the aggregate's current state (carried in `details.state`). */
export class WrongState extends DomainError {
  override readonly name = 'WrongState';
  readonly kind = 'wrong_state' as const;
}

export class Conflict extends DomainError {
  override readonly name = 'Conflict';
  readonly kind = 'conflict' as const;
}

export class InvalidCommand extends DomainError {
  override readonly name = 'InvalidCommand';
  readonly kind = 'invalid' as const;
}
