import { z } from 'zod';
import { ScenarioError } from './errors.js';

/**
 * The parts of Scenario's replies this client reads. Objects are loose: Scenario adds fields
 * over time and the client must not break on them. Only what the client uses is required, and
 * strings stay strings where Scenario documents that new values appear (job statuses).
 */

export const jobSchema = z.looseObject({
  jobId: z.string().min(1),
  // Not an enum: new statuses appear, and polling must keep going through them.
  status: z.string().min(1),
  progress: z.number().optional(),
  jobType: z.string().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  metadata: z
    .looseObject({
      assetIds: z.array(z.string()).optional(),
    })
    .optional(),
});
export type ScenarioJob = z.infer<typeof jobSchema>;

export const jobResponseSchema = z.looseObject({ job: jobSchema });

export const jobsPageSchema = z.looseObject({
  jobs: z.array(jobSchema),
  nextPaginationToken: z.string().optional(),
});

export const generateResponseSchema = z.looseObject({
  creativeUnitsCost: z.number().optional(),
  creativeUnitsDiscount: z.number().optional(),
  job: jobSchema,
});

export const dryRunResponseSchema = z.looseObject({
  creativeUnitsCost: z.number(),
  creativeUnitsDiscount: z.number().optional(),
});

export const assetSchema = z.looseObject({
  id: z.string().min(1),
  url: z.string().min(1),
  mimeType: z.string().optional(),
  kind: z.string().optional(),
  status: z.string().optional(),
  /** A smaller copy Scenario offers beside the file (the team's sync downloads it first). */
  thumbnail: z.looseObject({ assetId: z.string(), url: z.string().min(1) }).optional(),
});
export type ScenarioAsset = z.infer<typeof assetSchema>;

export const assetResponseSchema = z.looseObject({ asset: assetSchema });
export const assetsResponseSchema = z.looseObject({ assets: z.array(assetSchema) });

const uploadPartSchema = z.looseObject({
  number: z.number(),
  url: z.string().min(1),
});

export const uploadSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  parts: z.array(uploadPartSchema).optional(),
  // The id of what the upload became (an asset id for images) once imported.
  entityId: z.string().optional(),
  errorMessage: z.string().optional(),
});
export type ScenarioUpload = z.infer<typeof uploadSchema>;

export const uploadResponseSchema = z.looseObject({ upload: uploadSchema });

export const modelSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  type: z.string().optional(),
  status: z.string().optional(),
  privacy: z.string().optional(),
  capabilities: z.array(z.string()).default([]),
  compliantModelIds: z.array(z.string()).optional(),
});
export type ScenarioModel = z.infer<typeof modelSchema>;

export const modelResponseSchema = z.looseObject({ model: modelSchema });

export const modelsPageSchema = z.looseObject({
  models: z.array(modelSchema),
  nextPaginationToken: z.string().optional(),
});

/** Validates a reply; a missing or mistyped field becomes a 'bad-response' error naming it. */
export function parseReply<Schema extends z.ZodType>(schema: Schema, data: unknown, what: string): z.infer<Schema> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? '(the whole reply)' : issue.path.map(String).join('.');
  const problem = issue?.code === 'invalid_type' && issue.input === undefined ? 'is missing' : 'has an unexpected value';
  throw new ScenarioError(
    'bad-response',
    `Scenario's answer to ${what} could not be read: \`${field}\` ${problem}. Scenario may have changed its API; update the app, or report this if it persists.`,
  );
}
