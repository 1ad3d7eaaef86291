/** Writes eventstore/event-catalogue.json from the domain's catalogue (`npm run catalogue`). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_CATALOGUE } from '@app/domain';

export function catalogueJson(): string {
  const types = Object.keys(EVENT_CATALOGUE).sort();
  const entries = Object.fromEntries(
    types.map((t) => [t, EVENT_CATALOGUE[t as keyof typeof EVENT_CATALOGUE]]),
  );
  return `${JSON.stringify({ description: 'Every event type, its stream category and current schema version. Written by npm run catalogue.', events: entries }, null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(join(__dirname, '..', 'eventstore', 'event-catalogue.json'), catalogueJson());
}
