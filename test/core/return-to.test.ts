import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/core/return-to.js';

describe('safeReturnTo (invariant 6)', () => {
  it.each([
    ['/settings/billing', '/settings/billing'],
    ['/a?b=1#c', '/a?b=1#c'],
    ['/', '/'],
    ['/caf%C3%A9', '/caf%C3%A9'],
  ])('keeps same-origin path %s', (input, expected) => {
    expect(safeReturnTo(input)).toBe(expected);
  });

  it.each([
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'https:evil.example',
    'https://evil.example/x',
    'javascript:alert(1)',
    '/%2F/evil.example',
    '/%2f%2fevil.example',
    '%2F%2Fevil.example',
    '/%5Cevil.example',
    '/%255C%255Cevil.example',
    '/\tevil',
    '/\n/evil.example',
    '/ /evil',
    '/\u0000',
    'evil.example',
    '',
    '/%E0%A4%A',
  ])('rejects %j', (input) => {
    expect(safeReturnTo(input)).toBe('/');
  });

  it('rejects non-strings and overlong values', () => {
    expect(safeReturnTo(undefined)).toBe('/');
    expect(safeReturnTo(['/a'])).toBe('/');
    expect(safeReturnTo(`/${'a'.repeat(5000)}`)).toBe('/');
  });
});
