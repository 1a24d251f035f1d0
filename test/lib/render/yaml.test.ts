/**
 * The render's YAML writer against the `yaml` library it stands in for: the same bytes for every
 * document of the example stack, for the strings that need quoting or a literal block, and for
 * 1,000 generated documents of every shape plain data takes.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { libraryYaml, toYamlDocument } from "../../../lib/render/yaml.ts";
import { entriesObject } from "../../support/fuzz.ts";
import { renderedStack } from "../../support/render.ts";

const TRICKY = [
  "",
  " a",
  "a ",
  "a:",
  "a:b",
  "x: y",
  "x #y",
  "#x",
  "-",
  "-a",
  "*.example.com",
  "&a",
  "!a",
  "%a",
  "@a",
  "[a]",
  "{a}",
  "|",
  ">",
  "?",
  "'a",
  '"a',
  "a'b",
  "true",
  "True",
  "null",
  "~",
  "yes",
  "1",
  "-1",
  "1.5",
  "0x1f",
  "1e3",
  ".inf",
  "007",
  "12:30",
  "http://x:80/y",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...}, as Helm values hold them.
  "${x}",
  "é",
  "a\tb",
  "a\nb",
  "a\nb\n",
  "a\n\nb\n",
  "a\n\n",
  " a\nb",
  "a\n b",
  "é\nü\n",
  "line\r\n",
  // Document markers: quoted as a key at the start of a line, plain anywhere else.
  "---",
  "...",
  "--- a",
  "a\u2028b\nc",
];

/**
 * Any code point but a lone surrogate: what `unit: "binary"` generates, built without the
 * reverse table of all 1.1 million code points fast-check makes for it (most of a second).
 */
const codePoint = fc
  .oneof(fc.integer({ min: 0, max: 0xd7ff }), fc.integer({ min: 0xe000, max: 0x10ffff }))
  .map((point) => String.fromCodePoint(point));

const plainData = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.string({ unit: codePoint }),
    fc.constantFrom(...TRICKY),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    tie("list"),
    tie("map"),
  ),
  list: fc.array(tie("value"), { maxLength: 4 }),
  map: entriesObject(
    fc.oneof(fc.string(), fc.constantFrom(...TRICKY, "app.kubernetes.io/name")),
    tie("value"),
    {
      maxKeys: 4,
    },
  ),
}));

describe("the render's YAML is byte for byte the yaml library's", () => {
  test("every document of the example stack", async () => {
    const documents = (await renderedStack()).flatMap(({ documents }) =>
      [...documents.kubernetes, ...documents.helm, ...documents.external].map(({ body }) => body),
    );
    expect(documents.length).toBeGreaterThan(90);
    for (const document of documents) expect(toYamlDocument(document)).toBe(libraryYaml(document));
  });

  test("strings that need quotes, literal blocks or the library, as keys and values at every depth", () => {
    for (const text of TRICKY) {
      const document = { k: text, [text]: [text, { [text]: { [text]: text } }] };
      expect(toYamlDocument(document)).toBe(libraryYaml(document));
    }
  });

  test("1,000 generated documents: maps and lists of every scalar, nested", () => {
    fc.assert(
      fc.property(fc.oneof(plainData.map, plainData.list), (value) => {
        expect(toYamlDocument(value)).toBe(libraryYaml(value));
      }),
      { numRuns: 1000 },
    );
  });
});
