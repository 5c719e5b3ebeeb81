/** Chinese problem details: chosen by Accept-Language, keyed by the stable code, never changing the code. */
import { describe, expect, it } from 'vitest';
import { PROBLEM_CODES, problemOf } from '#http/errors.ts';
import { localizeProblem, prefersChinese, PROBLEM_DETAIL_ZH } from '#http/problem-zh.ts';

const HAN = /\p{Script=Han}/u;

describe('prefersChinese(Accept-Language)', () => {
  it.each([
    ['zh-CN', true],
    ['zh-CN,zh;q=0.9,en;q=0.8', true],
    ['zh', true],
    ['zh-Hans-CN', true],
    ['en-US,en;q=0.9,zh-CN;q=0.8', false],
    ['en;q=0.5, zh-CN;q=0.6', true],
    ['zh-CN;q=0', false],
    ['*', false],
    ['fr-FR', false],
    ['', false],
    [undefined, false],
    ['zh-CN;q=garbage', true],
  ] as const)('%s → %s', (header, expected) => {
    expect(prefersChinese(header)).toBe(expected);
  });
});

describe('the catalogue', () => {
  it('has a Chinese title and detail for every problem code', () => {
    expect(Object.keys(PROBLEM_DETAIL_ZH).sort()).toEqual([...PROBLEM_CODES].sort());
    for (const code of PROBLEM_CODES) {
      expect(PROBLEM_DETAIL_ZH[code].title, code).toMatch(HAN);
      expect(PROBLEM_DETAIL_ZH[code].detail, code).toMatch(HAN);
    }
  });

  it('localises title and detail only: code, type, status and errors stay as they are', () => {
    const english = problemOf('validation-failed', '2 fields are not valid; see errors.', {
      instance: '/v1/x',
      errors: [
        { path: 'amount', message: 'must be a yuan amount' },
        { path: 'termDays', message: 'must be at most 1096' },
      ],
    });
    const chinese = localizeProblem(english);
    expect(chinese).toEqual({
      ...english,
      title: '请求不符合要求',
      detail: '请求中的内容不符合要求，请检查后重试。（有问题的字段：amount、termDays）',
    });
  });
});
