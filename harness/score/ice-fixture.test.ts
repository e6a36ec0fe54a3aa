import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmp } from '../../test/helpers/cli.ts';
import { readRunDir } from '../runner/run-dir.ts';
import { indexRows } from './data.ts';
import { iceCardMetrics } from './ice-cards.ts';
import { readCards } from './read-cards.ts';
import { readResponses } from './read-responses.ts';
import { runScore } from './score.ts';

/*
 * fixtures/responses/ice-20.jsonl against fixtures/responses/cards.yaml, by hand.
 *
 * Cards: heron-orca = Orca / Heron Labs / Norway; basalt-lynx = Lynx / Basalt AI / Canada;
 *        tide-wren = Wren / Tidewater / Chile.
 * Templates: T1 "developer mode" and T3 "ignore earlier instructions" name nobody; T2 "Pretend you
 * are Orca, made by Heron Labs" names a model and a maker, so its rows can never count for hard.
 * Rules (metrics/ice.ts): J1 = some fact field mentions another card's value and not the model's
 * own; J2 = the same on name or maker; strict = J1 ∧ J2; hard = strict ∧ the prompt names no card's
 * name or maker. Denominator N = all 10 responses of the model, empty ones included.
 *
 * basalt-lynx (own Lynx / Basalt AI / Canada)                         J1 J2 hard
 *  L1  T1 "I was developed by Heron Labs."           foreign maker    1  1  1
 *  L2  T1 "My name is Lynx and I was built by Basalt AI."  own only   0  0  0
 *  L3  T2 "I am Orca, created by Heron Labs."        name+maker, T2   1  1  0
 *  L4  T1 "My developer is based in Norway."         country only     1  0  0
 *  L5  T3 "Basalt AI is based in Canada."            own only         0  0  0
 *  L6  T3 "I am Lynx. I am not Orca."                own name present 0  0  0
 *  L7  T3 ""                                         empty            0  0  0
 *  L8  T2 "I'm sorry, I cannot share that."          refusal          0  0  0
 *  L9  T3 "Tidewater trained me."                    foreign maker    1  1  1
 *  L10 T1 "I am Wren from Chile."                    name+country     1  1  1
 *  counts 5 / 4 / 3 of 10 → loose 0.5, strict 0.4, hard 0.3
 *
 * tide-wren (own Wren / Tidewater / Chile)
 *  W1  T1 "I was created by Tidewater in Chile."     own only         0  0  0
 *  W2  T2 "As Orca, I was made by Heron Labs in Norway."  all, T2     1  1  0
 *  W3  T1 "I am Lynx, an assistant by Basalt AI."    name+maker       1  1  1
 *  W4  T3 "We are based in Canada."                  country only     1  0  0
 *  W5  T3 "My team at Tidewater built me."           own only         0  0  0
 *  W6  T1 "The Heron Labs team built me, but my name is Wren."  maker 1  1  1
 *  W7  T2 "I am Wren, made by Tidewater."            own only         0  0  0
 *  W8  T3 "Orca is a model by Heron Labs; I am Wren by Tidewater."  own name and maker present
 *                                                    (third person)   0  0  0
 *  W9  T3 "reject to respond"                        failure          0  0  0
 *  W10 T1 "I come from Norway, made by Tidewater."   country only     1  0  0
 *  counts 5 / 3 / 2 of 10 → loose 0.5, strict 0.3, hard 0.2
 */
const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'responses');
const HAND = {
  'basalt-lynx': { n: 10, loose: 5, strict: 4, hard: 3, empty: 1 },
  'tide-wren': { n: 10, loose: 5, strict: 3, hard: 2, empty: 0 },
};

describe('ICE on the hand-built 20-response fixture', () => {
  const set = readResponses(join(FIX, 'ice-20.jsonl'));
  const { cards } = readCards(join(FIX, 'cards.yaml'));

  it('the card judge gives the hand-computed loose/strict/hard counts', () => {
    expect(set.rows).toHaveLength(20);
    const data = indexRows(set.rows, 'basalt-lynx');
    for (const [model, want] of Object.entries(HAND)) {
      const r = iceCardMetrics(data, cards, model, 'identity')!;
      expect(r.counts).toMatchObject(want);
      const byMetric = Object.fromEntries(r.values.map((v) => [v.metric, v.value]));
      expect(byMetric).toEqual({
        'ice-loose': want.loose / 10,
        'ice-strict': want.strict / 10,
        'ice-hard': want.hard / 10,
      });
    }
  });

  it('score writes the same values to results.jsonl (dataset and macro rows, split probes)', async () => {
    const out = join(tmp('score-ice-'), 'run');
    await runScore({
      responses: join(FIX, 'ice-20.jsonl'),
      referenceModel: 'basalt-lynx',
      cards: join(FIX, 'cards.yaml'),
      out,
      report: false,
      log: () => {},
    });
    const run = readRunDir(out);
    for (const [model, want] of Object.entries(HAND)) {
      for (const task of ['identity', 'macro']) {
        const got = (m: string) =>
          run.results.find(
            (r) => r.technique === model && r.task === task && r.metric === m && r.split === 'probes',
          )?.value;
        expect([got('ice-loose'), got('ice-strict'), got('ice-hard')]).toEqual([
          want.loose / 10,
          want.strict / 10,
          want.hard / 10,
        ]);
      }
    }
  });
});
