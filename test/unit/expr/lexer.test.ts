import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nearText, tokenize } from '../../../src/expr/lexer.js';

describe('tokenize', () => {
  const cases: [string, string[]][] = [
    ['a.b[3].c', ['identifier:a', 'punct:.', 'identifier:b', 'punct:[', 'number:3', 'punct:]', 'punct:.', 'identifier:c', 'eof:<EOF>']],
    ['#n = :v', ['name:#n', 'punct:=', 'value::v', 'eof:<EOF>']],
    ['a<>b<=c>=d<e>f', ['identifier:a', 'punct:<>', 'identifier:b', 'punct:<=', 'identifier:c', 'punct:>=', 'identifier:d', 'punct:<', 'identifier:e', 'punct:>', 'identifier:f', 'eof:<EOF>']],
    // Identifiers may not start with '_' or a digit; numbers have no leading zero.
    ['_x', ['unknown:_', 'identifier:x', 'eof:<EOF>']],
    ['03', ['number:0', 'number:3', 'eof:<EOF>']],
    ['#', ['unknown:#', 'eof:<EOF>']],
    ['a-b+c', ['identifier:a', 'punct:-', 'identifier:b', 'punct:+', 'identifier:c', 'eof:<EOF>']],
    ['ü 𝄞', ['unknown:ü', 'unknown:𝄞', 'eof:<EOF>']],
    [' \t\r\n', ['eof:<EOF>']],
  ];
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => {
      assert.deepEqual(tokenize(text).map((t) => `${t.kind}:${t.text}`), expected);
    });
  }
});

describe('nearText', () => {
  const cases: [string, number, string][] = [
    ['a = = b', 2, '= = b'],
    ['foo', 1, 'foo'],
    ['__typename', 0, '__'],
    ['#AMZN_MAPPED_2021-03-03', 1, '#AMZN_MAPPED_2021-0'],
  ];
  for (const [text, index, near] of cases) {
    test(`${text} @${index}`, () => assert.equal(nearText(text, tokenize(text), index), near));
  }
});
