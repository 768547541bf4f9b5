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

/** Every model a notification may name (the models `webhooks install` puts rules on). */
export function webhookModels(): ReadonlySet<string> {
  return new Set(entities.flatMap((entity) => entity.sources.filter((s) => !s.selectionOf).map((s) => s.model)));
}

/** The models an entity's webhook freshness is made of. */
export function modelsOfEntity(entity: Entity): string[] {
  return [...new Set(entity.sources.filter((s) => !s.selectionOf).map((s) => s.model))];
}
