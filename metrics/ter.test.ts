import { describe, expect, it } from 'vitest';
import { corpusTer, terAccumulator, terEdits, terSignature, terWords } from './ter.ts';

// sacreBLEU 2.x test/test_ter.py: corpus TER (x100) within 1e-3.
const SACREBLEU_CASES: [string[], string[], number][] = [
  [['aaaa bbbb cccc dddd'], ['aaaa bbbb cccc dddd'], 0],
  [['dddd eeee ffff'], ['aaaa bbbb cccc'], 1],
  [[''], ['a'], 1],
  [['a'], [''], 1],
  [[''], [''], 0],
  [['d e f g h a b c'], ['a b c d e f g h'], 1 / 8],
  [
    [
      'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit das Bild ungefähr dieselbe Größe aufweist wie die andere Größe .',
      'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
      'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie Werte für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " ein .',
      'Sie können beispielsweise ein Dokument erstellen , das ein Auto über die Bühne enthält .',
      'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
    ],
    [
      'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit die Darstellung des Bildes in einer anderen Größe beibehalten wird .',
      'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
      'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " niedrigere Werte ein .',
      'Sie können beispielsweise ein Dokument erstellen , das ein Auto enthalt , das sich über die Bühne bewegt .',
      'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
    ],
    0.136,
  ],
];

describe('TER (sacreBLEU test vectors)', () => {
  it.each(SACREBLEU_CASES.map((c, i) => [i, ...c] as const))('case %i', (_i, hyps, refs, expected) => {
    expect(Math.abs(corpusTer(hyps, refs).value - 100 * expected)).toBeLessThan(1e-3);
  });
});

describe('TER by hand', () => {
  it('a block shift costs one edit where plain edit distance costs two per moved word', () => {
    // "d e f g h a b c" -> "a b c d e f g h": moving "a b c" to the front is one shift, 0 other edits.
    expect(terEdits('d e f g h a b c'.split(' '), 'a b c d e f g h'.split(' '))).toEqual({
      edits: 1,
      refLength: 8,
    });
    // Without a shift that helps, TER is the word edit distance: one substitution, one deletion.
    expect(terEdits(['a', 'x', 'c', 'd'], ['a', 'b', 'c'])).toEqual({ edits: 2, refLength: 3 });
  });
  it('lowercases and splits on whitespace by default; case-sensitive on request', () => {
    expect(terWords('  The CAT\tsat \n')).toEqual(['the', 'cat', 'sat']);
    expect(corpusTer(['The Cat'], ['the cat']).value).toBe(0);
    expect(corpusTer(['The Cat'], ['the cat'], { caseSensitive: true }).value).toBe(100);
  });
  it('can exceed 100 when the hypothesis is longer than the reference', () => {
    // 3 insertions against a one-word reference: 3/1.
    expect(corpusTer(['a b c d'], ['a']).value).toBe(300);
  });
  it('is summed edits over summed reference lengths, and merges across shards', () => {
    // 1 edit / 8 words and 2 edits / 3 words: corpus 3/11, not the mean of 12.5% and 66.7%.
    const hyps = ['d e f g h a b c', 'a x c d'];
    const refs = ['a b c d e f g h', 'a b c'];
    expect(corpusTer(hyps, refs).value).toBeCloseTo((100 * 3) / 11, 12);
    const acc = terAccumulator();
    const one = acc.update(acc.empty(), { hypothesis: hyps[0], references: [refs[0]] });
    const two = acc.update(acc.empty(), { hypothesis: hyps[1], references: [refs[1]] });
    expect(acc.compute(acc.merge(one, two))[0].value).toBeCloseTo((100 * 3) / 11, 12);
  });
  it('takes the fewest edits over several references and their mean length', () => {
    const acc = terAccumulator(2);
    const s = acc.update(acc.empty(), { hypothesis: 'a b c', references: ['a b c', 'x y z w'] });
    // best edits 0; mean reference length (3 + 4) / 2.
    expect(s).toEqual({ edits: 0, refLength: 3.5 });
    expect(acc.compute(s)[0].signature).toBe(terSignature(2));
  });
  it("signature carries sacreBLEU's fields", () => {
    expect(terSignature(1)).toBe('ter|nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|v1');
  });
});
