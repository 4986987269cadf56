import { inputsVersion, modelInputsSchema, type ModelInput } from '../../../shared/model-inputs/index';
import type { StoreContext } from '../context';

/** The versions of models' inputs that presets were checked against, by version (content-addressed). */
export function createModelInputsRepository({ db, now }: StoreContext) {
  const insert = db.prepare<[string, string, string, number], never>(
    'INSERT INTO model_inputs (version, model_id, inputs_json, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT (version) DO NOTHING',
  );
  const byVersion = db.prepare<[string], { inputs_json: string }>('SELECT inputs_json FROM model_inputs WHERE version = ?');
  return {
    /** Keeps these inputs and returns their version. */
    remember(modelId: string, inputs: readonly ModelInput[]): string {
      const version = inputsVersion(inputs);
      insert.run(version, modelId, JSON.stringify(inputs), now());
      return version;
    },
    get(version: string): ModelInput[] | null {
      const row = byVersion.get(version);
      if (row === undefined) return null;
      const parsed = modelInputsSchema.safeParse(JSON.parse(row.inputs_json));
      return parsed.success ? parsed.data : null;
    },
  };
}

export type ModelInputsRepository = ReturnType<typeof createModelInputsRepository>;
