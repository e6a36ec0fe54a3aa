#!/usr/bin/env node
// Regenerates the two example data files from cmu-pronouncing-dictionary (a dependency):
//   g2p.jsonl   word -> ARPAbet phones (splits from seeded fractions; 10 prompts left unlabelled)
//   stress.csv  word -> stress pattern of its vowels (0/1/2), with a split column
// Words: every 500th entry of plain a-z words of 4-8 letters, so the files are small and stable.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dictionary } from 'cmu-pronouncing-dictionary';

const words = Object.keys(dictionary)
  .filter((w) => /^[a-z]{4,8}$/.test(w))
  .sort()
  .filter((_, i) => i % 150 === 0)
  .slice(0, 220);
const g2p = words.map((w, i) =>
  JSON.stringify(i < 10 ? { id: `g${i}`, prompt: w } : { id: `g${i}`, prompt: w, response: dictionary[w] }),
);
writeFileSync(join(import.meta.dirname, 'g2p.jsonl'), `${g2p.join('\n')}\n`);
const stress = words.map((w, i) => {
  const pattern = dictionary[w].replace(/[^0-2]/g, '');
  const split = i % 10 === 0 ? 'test' : i % 10 === 1 ? 'valid' : 'train';
  return `${w},${pattern},${split}`;
});
writeFileSync(join(import.meta.dirname, 'stress.csv'), `word,stress,split\n${stress.join('\n')}\n`);
