import { MEMBER_UPCASTERS } from '@app/domain';
import { UpcasterRegistry } from '@app/eventstore';

/**
 * Every upcaster of the product's event types, one per schema-version step. The catalogue of
 * event types and their versions is kept in eventstore/event-catalogue.json.
 */
export function upcasters(): UpcasterRegistry {
  return new UpcasterRegistry([...MEMBER_UPCASTERS]);
}
