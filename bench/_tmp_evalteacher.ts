import { loadBackend } from '../harness/engine/backend.ts';
import { loadCheckpoint } from '../harness/models/checkpoint.ts';
import { parseTaskOptions } from '../harness/tasks/options.ts';
import { phoneticTranscription as task } from '../harness/tasks/phonetic-transcription.ts';
import { generate } from '../harness/text/generate.ts';
await loadBackend({ backend: 'wasm' });
const [dir, raw] = [process.argv[2], JSON.parse(process.argv[3])];
const d = task.generate(parseTaskOptions(task, { trainSize: 1500, validSize: 0, testSize: 150, oodSize: 150, maxLength: 40, ...raw }), 1);
const { model, tokenizer } = loadCheckpoint(dir);
function ed(a: string[], b: string[]) { let p = Array.from({ length: b.length + 1 }, (_, j) => j); for (let i = 1; i <= a.length; i++) { const c = [i]; for (let j = 1; j <= b.length; j++) c[j] = Math.min(p[j] + 1, c[j - 1] + 1, p[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)); p = c; } return p[b.length]; }
for (const [name, xs] of [['teacher pool', d.splits.train.slice(0, 150)], ['test', d.splits.test], ['ood', d.splits.ood]] as const) {
  const outs = generate(model, tokenizer, xs.map((e) => e.prompt), { maxNewTokens: 32 });
  let e = 0, n = 0, exact = 0;
  xs.forEach((x, i) => { const h = outs[i].text.trim().split(/\s+/).filter(Boolean); const r = x.response.split(' '); e += ed(r, h); n += r.length; if (outs[i].text.trim() === x.response) exact++; });
  console.log(name, 'WER', (e / n).toFixed(3), 'exact', exact, '/', xs.length);
}
