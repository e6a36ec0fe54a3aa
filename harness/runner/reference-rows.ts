/**
 * Naming of reference rows a technique returns (docs/weak-to-strong.md): a reference of technique
 * entry `label` with role `role` is the row `label/role` for the same student, so the report can pair
 * a weak-to-strong row with its own weak supervisor and strong ceiling.
 */
export type ReferenceRole = 'weak' | 'strong-ceiling' | 'peer';

export function referenceTechnique(label: string, role: ReferenceRole): string {
  return `${label}/${role}`;
}
