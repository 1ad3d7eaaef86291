import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';
import { hasUnsafeCharacters, UNSAFE_TEXT_MESSAGE } from '@app/domain';

/**
 * For labels and names: refuses control and bidirectional-override characters with a 400
 * naming the field. Non-strings pass, so that the type check speaks for them.
 */
export function IsSafeText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSafeText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !hasUnsafeCharacters(value),
        defaultMessage: buildMessage((each) => `${each}$property ${UNSAFE_TEXT_MESSAGE}`, options),
      },
    },
    options,
  );
}
