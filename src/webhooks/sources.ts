/**
 * Which entities a webhook notification concerns: every entity source that reads records of the notified
 * Odoo model. Derived sources (selection values, dim_promotion_types) read no records: a webhook on their
 * model changes nothing of theirs, so they do not count.
 */
import { entities, type Entity, type SourceSpec } from '../entities/index.ts';

export interface ModelSource {
  entity: Entity;
  source: SourceSpec;
}

/** The entity sources fed by `model`, dependencies first (the registry's order). */
export function sourcesOfModel(model: string): ModelSource[] {
  return entities.flatMap((entity) =>
    entity.sources.filter((source) => source.model === model && !source.selectionOf).map((source) => ({ entity, source })),
  );
}

/**
 * The models whose changes a webhook can bring in, each with an `odoo-etl: <model>` rule once `webhooks
 * install` ran: the sources of the incremental entities (snapshot entities are re-read whole, derived ones
 * read no records). The receiver accepts notifications of these models only.
 */
export function webhookModels(): string[] {
  const models = new Set<string>();
  for (const e of entities) if (e.sync === 'incremental') for (const s of e.sources) if (!s.selectionOf) models.add(s.model);
  return [...models].sort();
}

/** The models an entity's webhook freshness is made of. */
export function modelsOfEntity(entity: Entity): string[] {
  return [...new Set(entity.sources.filter((s) => !s.selectionOf).map((s) => s.model))];
}
