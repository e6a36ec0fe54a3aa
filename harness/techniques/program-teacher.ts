import { contentHash } from '../hash.ts';
import type { TaskDefinition } from '../tasks/types.ts';
import { HARNESS_VERSION } from '../version.ts';
import type { Teacher } from './teacher.ts';

/**
 * A teacher that is a program: the task's exact solver (gold, or one blind-spot profile) answering
 * each prompt (docs/data-pools.md, "Program teachers"). Its quality is known per item, and it has no
 * network, so it gives responses only: no token distributions, logits or hidden states.
 *
 * Cost: no network runs, so `forwardTokens` stays 0; `generations` counts the responses given, as for
 * a trained teacher. Responses are memoized per prompt set (the solver is cheap and deterministic, so
 * nothing is written to disk), and cut at `maxNewTokens` like a decoding would be.
 */
export class ProgramTeacher implements Teacher {
  forwardTokens = 0;
  generations = 0;
  /** Nothing is trained or loaded. */
  readonly fromCache = false;
  readonly key: string;
  private readonly cache = new Map<string, string[]>();

  constructor(
    readonly id: string,
    readonly profile: string | undefined,
    private readonly task: TaskDefinition,
    private readonly taskOptions: unknown,
  ) {
    if (!task.solvePrompt)
      throw new Error(
        `program teacher '${id}': task '${task.id}' has no solver (TaskDefinition.solvePrompt)`,
      );
    this.key = contentHash({
      kind: 'program-teacher',
      task: task.id,
      taskOptions,
      profile: profile ?? null,
      harness: HARNESS_VERSION,
    });
  }

  async respond(prompts: string[], maxNewTokens: number): Promise<string[]> {
    const key = contentHash({ prompts, maxNewTokens });
    let out = this.cache.get(key);
    if (!out) {
      out = prompts.map((p) =>
        this.task.solvePrompt!(this.taskOptions, p, this.profile).slice(0, maxNewTokens),
      );
      this.cache.set(key, out);
    }
    this.generations += prompts.length;
    return out;
  }

  async logProbs(): Promise<Float32Array[]> {
    throw new Error(
      `teacher '${this.id}' is a program teacher (kind: program): it gives responses, not token distributions. ` +
        'Fix: use a trained teacher, or a sequence-level technique: hard-label, purify:*, multi-teacher with mode: rationales.',
    );
  }

  dispose(): void {}
}
