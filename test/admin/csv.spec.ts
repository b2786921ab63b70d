import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CsvFileError,
  csvField,
  decodeUtf8,
  escapeFormula,
  parseCsv,
  readCsvTable,
  unescapeFormula,
  writeCsv,
} from '../../src/common/csv/csv.js';
import { cell, RowErrors } from '../../src/common/csv/rows.js';
import { ApiError } from '../../src/common/http/error-codes.js';

const fields = (text: string) => parseCsv(text).map((record) => record.fields);

describe('CSV reader (RFC 4180)', () => {
  it('splits records on CRLF, LF or CR and fields on commas', () => {
    expect(fields('a,b\r\nc,d\ne,f\rg,h')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
      ['g', 'h'],
    ]);
    expect(fields('a,,\r\n')).toEqual([['a', '', '']]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(fields('"a, b","say ""hi""","line\r\nbreak"\r\n""')).toEqual([
      ['a, b', 'say "hi"', 'line\r\nbreak'],
    ]);
  });

  it('skips blank lines but keeps counting them', () => {
    expect(parseCsv('h\r\n\r\nx\r\n\r\n')).toEqual([
      { row: 1, fields: ['h'] },
      { row: 3, fields: ['x'] },
    ]);
  });

  it('numbers records, not physical lines, when quoted fields span lines', () => {
    expect(parseCsv('h\n"a\nb"\nc').map((r) => r.row)).toEqual([1, 2, 3]);
  });

  it('refuses malformed quoting with the row number', () => {
    expect(() => parseCsv('h\n"open')).toThrow(new CsvFileError('Row 2: a quoted field is not closed.'));
    expect(() => parseCsv('h\n"a"b')).toThrow(
      new CsvFileError('Row 2: unexpected character after a closing quote.'),
    );
    expect(() => parseCsv('h\nab"c')).toThrow(new CsvFileError('Row 2: a quote inside an unquoted field.'));
  });

  it('stops once the record limit is passed', () => {
    expect(() => parseCsv('a\nb\nc', 2)).toThrow(CsvFileError);
    expect(parseCsv('a\nb', 2)).toHaveLength(2);
  });

  it('decodes strict UTF-8 and removes the byte-order mark', () => {
    expect(decodeUtf8(Buffer.from('\uFEFFnamé', 'utf8'))).toBe('namé');
    expect(decodeUtf8(Buffer.from('namé', 'utf8'))).toBe('namé');
    expect(() => decodeUtf8(Buffer.from([0x6e, 0xe9]))).toThrow(
      new CsvFileError('The file is not valid UTF-8 text.'),
    );
  });
});

describe('formula-injection guard', () => {
  it('prefixes an apostrophe to cells starting with = + - @ tab or CR, and only those', () => {
    for (const value of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      expect(escapeFormula(value)).toBe(`'${value}`);
    for (const value of ['', 'a=b', ' =x', "'plain", '1-2']) expect(escapeFormula(value)).toBe(value);
  });

  it('removes one apostrophe before a formula character on import', () => {
    expect(unescapeFormula("'=1+1")).toBe('=1+1');
    expect(unescapeFormula("'\tx")).toBe('\tx');
    expect(unescapeFormula("''=x")).toBe("'=x");
    expect(unescapeFormula("'plain")).toBe("'plain");
    expect(unescapeFormula("'")).toBe("'");
  });

  it('writes quoted, escaped fields and CRLF line ends', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('\rline')).toBe(`"'\rline"`);
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
    expect(csvField(-3)).toBe("'-3");
    expect(csvField(new Date('2026-01-20T10:15:00Z'))).toBe('2026-01-20T10:15:00.000Z');
    expect(writeCsv(['a', 'b'], [['1', 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });

  it('gives back every value exactly after write → read (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 2, maxLength: 2 }), {
          maxLength: 20,
        }),
        (rows) => {
          const text = writeCsv(['a', 'b'], rows);
          expect(text.split(/\r\n/).every((line) => !/^[=+\-@\t\r]/.test(line))).toBe(true);
          const table = readCsvTable(Buffer.from(text, 'utf8'), { required: ['a', 'b'], maxRows: 100 });
          // Two empty cells still make a line (","), so no row is lost as a blank line.
          expect(table.rows.map((row) => [row.values.a, row.values.b])).toEqual(rows);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('readCsvTable', () => {
  const spec = { required: ['name', 'slug'], optional: ['note'], maxRows: 3 };

  it('maps rows to lower-cased, trimmed header names and flags wrong cell counts', () => {
    const table = readCsvTable(Buffer.from(' Name ,SLUG\na,b\nc\nd,e,f\n'), spec);
    expect(table.columns).toEqual(['name', 'slug']);
    expect(table.rows).toEqual([
      { row: 2, values: { name: 'a', slug: 'b' } },
      { row: 3, values: { name: 'c', slug: '' }, problem: 'Expected 2 columns, found 1.' },
      { row: 4, values: { name: 'd', slug: 'e' }, problem: 'Expected 2 columns, found 3.' },
    ]);
  });

  it('validates the header and the row limit', () => {
    const read = (text: string) => () => readCsvTable(Buffer.from(text), spec);
    expect(read('name')).toThrow(
      /^Missing column\(s\): slug\. Expected columns: name, slug, note \(optional\)\.$/,
    );
    expect(read('name,slug,,x')).toThrow(/Unknown column\(s\): \(empty\), x\./);
    expect(read('')).toThrow('The file is empty: a header row is required.');
    expect(read('name,slug\n1,1\n2,2\n3,3\n4,4')).toThrow('The file has more than 3 data rows.');
    expect(read('name,slug,note\n1,1,x').call(null).rows).toHaveLength(1);
  });
});

describe('row validation helpers', () => {
  it('parses cells like a create would, with defaults for empty optional cells', () => {
    const messages: string[] = [];
    const report = (message: string) => messages.push(message);
    expect(cell.text('  x  ', report)).toBe('x');
    expect(cell.text('  x  ', report, { trim: false })).toBe('  x  ');
    expect(cell.boolean('', report, true)).toBe(true);
    expect(cell.boolean('No', report, true)).toBe(false);
    expect(cell.integer(' 42 ', report, { fallback: 0, min: 0, max: 100 })).toBe(42);
    expect(cell.integer('', report, { fallback: 7, min: 0, max: 100 })).toBe(7);
    expect(cell.choice('Commercial', report, ['commercial'] as const, 'commercial')).toBe('commercial');
    expect(messages).toEqual([]);
    expect(cell.integer('1.5', report, { fallback: 0, min: 0, max: 1 })).toBeUndefined();
    expect(cell.slug('a b', report)).toBeUndefined();
    expect(messages).toEqual([
      'A valid integer is required.',
      'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.',
    ]);
  });

  it('reports rows in order, counting them all but listing at most 1,000', () => {
    const errors = new RowErrors();
    for (let row = 1002; row >= 2; row--) errors.add(row, 'name', 'Bad.');
    errors.add(2, 'slug', 'Also bad.');
    let thrown: unknown;
    try {
      errors.throwIfAny();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApiError);
    const { extra } = thrown as ApiError;
    expect(extra.errors).toEqual({ file: ['1001 rows are invalid; nothing was imported.'] });
    const rows = extra.details!.rows as { row: number; errors: Record<string, string[]> }[];
    expect(rows).toHaveLength(1000);
    expect(rows[0]).toEqual({ row: 2, errors: { name: ['Bad.'], slug: ['Also bad.'] } });
    expect(rows.at(-1)!.row).toBe(1001);
    expect(() => new RowErrors().throwIfAny()).not.toThrow();
  });
});
