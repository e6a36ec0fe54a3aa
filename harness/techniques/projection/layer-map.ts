/**
 * Layer-wise map of docs/methodology.md#layer-map: student layer l (0-based) of L_S aligns with teacher layer
 * g(l) = round((l+1)·L_T/L_S) − 1, i.e. the teacher layer at the same relative depth, so the last
 * student layer always meets the last teacher layer. Works for L_S > L_T too (layers then share).
 */
export function layerMap(studentLayers: number, teacherLayers: number): number[] {
  if (studentLayers < 1 || teacherLayers < 1) throw new Error('layerMap: layer counts must be >= 1');
  return Array.from({ length: studentLayers }, (_, l) =>
    Math.max(0, Math.round(((l + 1) * teacherLayers) / studentLayers) - 1),
  );
}
