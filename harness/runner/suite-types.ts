import type { PluginRef } from '../plugins/load-plugins.ts';
import type { Suite } from './suite-schema.ts';

/** A loaded suite as the planner sees it (its own file so plan.ts and suite-load.ts do not import each other). */
export interface TechniqueRef {
  id: string;
  /** Row label in reports (defaults to the id; variants of one technique need distinct labels). */
  label: string;
  options: unknown;
}

export interface LoadedSuite {
  suite: Suite;
  file: string;
  techniques: TechniqueRef[];
  taskOptions: unknown[];
  /** The suite's plugins, loaded in this process; workers load them too. */
  plugins: PluginRef[];
  /** Suite problems that do not stop a run (e.g. a teacher smaller than its student); validate and run print them. */
  warnings: string[];
}
