/** What the property tests share. */
import fc from "fast-check";

/**
 * fast-check draws the same input many times (a fuzzed config is most often the example itself,
 * a key changed to its own example value). The code under test is pure, so an input that passed
 * passes again: each distinct input is checked once. Keys are fast-check's own rendering of the
 * input, which tells a symbol from a string and a missing key from an undefined one.
 */
export const onceEach = <Args extends unknown[]>(check: (...args: Args) => Promise<void> | void) => {
  const passed = new Set<string>();
  return {
    check: async (...args: Args): Promise<void> => {
      const key = fc.stringify(args);
      if (passed.has(key)) return;
      await check(...args);
      passed.add(key);
    },
    /** How many distinct inputs were checked (and passed). */
    distinct: (): number => passed.size,
  };
};

/**
 * An object of entries drawn from `key` and `value`, a later key replacing an earlier one. Same
 * objects as `fc.dictionary`, several times cheaper: the dictionary spends most of its draw
 * removing duplicate keys.
 */
export const entriesObject = <V>(
  key: fc.Arbitrary<string>,
  value: fc.Arbitrary<V>,
  constraints: { maxKeys?: number } = {},
): fc.Arbitrary<Record<string, V>> =>
  fc
    .array(fc.tuple(key, value), { maxLength: constraints.maxKeys })
    .map((entries) => Object.fromEntries(entries) as Record<string, V>);
