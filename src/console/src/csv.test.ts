import { describe, expect, test } from 'vitest';
import { csvCell, toCsv } from './csv.js';

describe('CSV export', () => {
  test('a cell starting with = + - @ is written as text, never as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('+351 912')).toBe("'+351 912");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('Ana Silva')).toBe('Ana Silva');
    expect(csvCell(42)).toBe('42');
  });

  test('quotes, commas and line breaks stay inside their cell', () => {
    expect(toCsv(['a', 'b'], [['x, y', 'say "hi"\nbye']])).toBe('a,b\r\n"x, y","say ""hi""\nbye"\r\n');
    expect(toCsv(['n'], [[null], [undefined]])).toBe('n\r\n\r\n\r\n');
  });
});
