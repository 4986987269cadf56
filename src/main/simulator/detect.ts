/**
 * POST /generate/detect: a control map made from a picture. The body is checked against the
 * contract (PostDetectInferencesRequest); the map is a deterministic stand-in drawn from the
 * picture (edges for canny, a soft blur for depth, a threshold for pose, plain grey otherwise),
 * so the same picture always gives the same map.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { requestSchema } from './contract';
import { badRequest } from './errors';
import { resolveFileValue } from './generate';
import type { StoredAsset } from './state';
import { validateAgainst } from './validate';

export interface AcceptedDetect {
  modality: string;
  picture: Buffer;
  pictureSha256: string;
  map: Buffer;
  width: number;
  height: number;
  cost: number;
}

/** Maps are at most this wide or tall. */
const MAX_SIDE = 1024;
const DETECT_COST = 1;

export async function acceptDetect(body: Record<string, unknown>, assets: ReadonlyMap<string, StoredAsset>): Promise<AcceptedDetect> {
  const issue = validateAgainst(requestSchema('PostDetectInferencesRequest'), body);
  if (issue) throw badRequest(issue.message, { field: issue.field, rule: issue.rule });
  const picture = await resolveFileValue('image', String(body.image), assets);
  const modality = String(body.modality);
  const map = await drawMap(picture, modality);
  const info = await sharp(map).metadata();
  return { modality, picture, pictureSha256: createHash('sha256').update(picture).digest('hex'), map, width: info.width ?? 0, height: info.height ?? 0, cost: DETECT_COST };
}

async function drawMap(picture: Buffer, modality: string): Promise<Buffer> {
  const base = sharp(picture).flatten({ background: '#ffffff' }).greyscale().resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true });
  switch (modality) {
    case 'canny':
      return base.convolve({ width: 3, height: 3, kernel: [-1, -1, -1, -1, 8, -1, -1, -1, -1] }).normalise().png().toBuffer();
    case 'depth':
      return base.blur(6).normalise().png().toBuffer();
    case 'pose':
      return base.threshold(128).png().toBuffer();
    default:
      return base.normalise().png().toBuffer();
  }
}
