// "Make a <modality> map first": a folder of photos whose maps Scenario's detection makes
// (POST /generate/detect). Detection names its maps differently from the generators: only canny,
// depth and pose carry over, grayscale is `gray`, and the others match ControlNet's own names.

/** A map a folder can ask for (the name generators use) → the name /generate/detect takes. */
export const MAP_MODALITIES = {
  canny: 'canny',
  depth: 'depth',
  pose: 'pose',
  gray: 'grayscale',
  'normal-map': 'normal',
  scribble: 'scribble',
  seg: 'segmentation',
  lineart: 'lineart_anime',
} as const;

export type MapModality = keyof typeof MAP_MODALITIES;

export const MAP_MODALITY_NAMES = Object.keys(MAP_MODALITIES) as [MapModality, ...MapModality[]];

export function isMapModality(name: string): name is MapModality {
  return Object.hasOwn(MAP_MODALITIES, name);
}
