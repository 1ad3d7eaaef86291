import { type Projection, streamsProjection } from '@app/projections';

/** Every projection the product runs; the CLI's rebuild and verify use the same list. */
export function allProjections(): Projection[] {
  return [streamsProjection];
}
