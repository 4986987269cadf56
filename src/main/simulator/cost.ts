/**
 * The simulator's creative-units formula (Scenario does not publish one). Cost grows with the
 * number of images, their area and the number of steps:
 *
 *   perImage = max(1, ceil((width × height / 512²) × (numInferenceSteps / 30)))
 *   creativeUnitsCost = numSamples × perImage
 *
 * so a 512×512 image at 30 steps costs 1 CU, a 1024×1024 one 4 CU, and 60 steps double it.
 * There is never a discount in the simulator.
 */
export interface CostInputs {
  numSamples: number;
  width: number;
  height: number;
  numInferenceSteps: number;
}

export const DEFAULT_NUM_SAMPLES = 4;
export const DEFAULT_INFERENCE_STEPS = 30;

export function creativeUnitsCost({ numSamples, width, height, numInferenceSteps }: CostInputs): number {
  const perImage = Math.max(1, Math.ceil(((width * height) / (512 * 512)) * (numInferenceSteps / DEFAULT_INFERENCE_STEPS)));
  return numSamples * perImage;
}
