import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decode, guessMapping, parseDate, parseTable, validateRows } from './roster.parse.ts';

const SJIS_CSV = '社員番号,氏名,氏名(カナ),部署,入社日,退職日,再雇用可否,個人メールアドレス,連絡同意\r\nE0001,山田 太郎,ヤマダ タロウ,営業企画部,2015/04/01,2023/03/31,可,taro@example.jp,有\r\n';

describe('decode', () => {
  it('detects Shift_JIS (CP932) and decodes Japanese headers', () => {
    const bytes = iconv.encode(SJIS_CSV, 'cp932');
    const { text, encoding } = decode(bytes);
    expect(encoding).toBe('shift_jis');
    expect(text.startsWith('社員番号,氏名')).toBe(true);
  });
  it('decodes CP932-only characters (①, ㈱, 髙)', () => {
    const { text } = decode(iconv.encode('①㈱髙橋', 'cp932'));
    expect(text).toBe('①㈱髙橋');
  });
  it('strips a UTF-8 BOM and keeps UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SJIS_CSV, 'utf8')]);
    const { text, encoding } = decode(bytes);
    expect(encoding).toBe('utf-8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
  });
  it('honours an encoding chosen by the operator', () => {
    const bytes = iconv.encode('氏名', 'cp932');
    expect(decode(bytes, 'shift_jis').text).toBe('氏名');
  });
});

describe('parseTable + guessMapping', () => {
  it('recognises Japanese headers in full- and half-width forms', () => {
    const { headers } = parseTable(SJIS_CSV);
    const m = guessMapping(headers);
    expect(m).toMatchObject({ employeeNumber: 0, name: 1, nameKana: 2, department: 3, joinedOn: 4, leftOn: 5, rehireEligible: 6, personalEmail: 7, contactConsent: 8 });
    expect(guessMapping(['フリガナ', '社員NO', '所属'])).toEqual({ nameKana: 0, employeeNumber: 1, department: 2 });
  });
  it('prefers a remembered mapping', () => {
    expect(guessMapping(['番号', '名前'], { 番号: 'employeeNumber' })).toEqual({ employeeNumber: 0, name: 1 });
  });
  it('reads TSV, quoted cells with commas, doubled quotes and newlines', () => {
    const tsv = '社員番号\t氏名\t役職\nE1\t"佐藤, 花子"\t"課長\n(営業)"\nE2\t"鈴木 ""スズ"" 一"\t\n\n';
    const { rows } = parseTable(tsv);
    expect(rows.map((r) => r.cells)).toEqual([
      ['E1', '佐藤, 花子', '課長\n(営業)'],
      ['E2', '鈴木 "スズ" 一', ''],
    ]);
  });
});

describe('parseDate', () => {
  it.each([
    ['2023/04/01', '2023-04-01'],
    ['2023-4-1', '2023-04-01'],
    ['2023.4.1', '2023-04-01'],
    ['2023年4月1日', '2023-04-01'],
    ['２０２３／４／１', '2023-04-01'],
    ['令和5年4月1日', '2023-04-01'],
    ['令和元年5月1日', '2019-05-01'],
    ['R5.4.1', '2023-04-01'],
    ['H30/4/1', '2018-04-01'],
    ['平成31年4月30日', '2019-04-30'],
    ['20230401', '2023-04-01'],
    ['45017', '2023-04-01'],
    ['2023/04/01 0:00:00', '2023-04-01'],
  ])('%s → %s', (raw, expected) => {
    expect(parseDate(raw)).toEqual({ ok: true, value: expected });
  });
  it('rejects impossible and unreadable dates', () => {
    expect(parseDate('2023/2/30')).toEqual({ ok: false, reason: 'impossibleDate' });
    expect(parseDate('2023/13/01')).toEqual({ ok: false, reason: 'impossibleDate' });
    expect(parseDate('来月末')).toEqual({ ok: false, reason: 'invalidDate' });
    expect(parseDate('')).toEqual({ ok: true, value: null });
  });
});

describe('validateRows', () => {
  const header = '社員番号,氏名,入社日,退職日,個人メールアドレス,再雇用可否,連絡同意,部署,所属開始日,所属終了日';
  const run = (lines: string[]) => {
    const { headers, rows } = parseTable([header, ...lines].join('\n'));
    return validateRows(rows, guessMapping(headers));
  };
  it('reports each problem with its line and field', () => {
    const { valid, errors } = run([
      'E1,山田 太郎,2015/4/1,2023/2/30,a@example.jp,可,有,,,',
      ',名無し,,,,,,,,',
      'E3,佐藤 花子,2020/4/1,2019/3/31,not-an-email,たぶん,はい?,,,',
      'E4,鈴木 一郎,2010/4/1,2020/3/31,,否,,,,',
      'E4,鈴木 一郎,2010/4/1,2020/3/31,,否,,,,',
    ]);
    expect(valid.map((r) => r.employeeNumber)).toEqual(['E4']);
    const codes = errors.map((e) => `${e.line}:${e.field}:${e.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        '2:leftOn:impossibleDate',
        '3:employeeNumber:required',
        '4:leftOn:leaveBeforeJoin',
        '4:personalEmail:invalidEmail',
        '4:rehireEligible:invalidRehire',
        '4:contactConsent:invalidConsent',
        '6:employeeNumber:duplicateEmployeeNumber',
      ]),
    );
  });
  it('accepts several lines of one person as department history', () => {
    const { valid, errors } = run([
      'E9,高橋 一,2010/4/1,2020/3/31,,,,営業部,2010/4/1,2015/3/31',
      'E9,高橋 一,2010/4/1,2020/3/31,,,,営業企画部,2015/4/1,2020/3/31',
    ]);
    expect(errors).toEqual([]);
    expect(valid.map((r) => r.department)).toEqual(['営業部', '営業企画部']);
  });
  it('unwraps ="…" formula cells from Excel exports', () => {
    const { valid } = run(['="00123",山田 花子,,,,,,,,']);
    expect(valid[0]?.employeeNumber).toBe('00123');
  });
});

describe('kana variants for the roster search', async () => {
  const { kanaVariants } = await import('./roster.repository.ts');
  it('folds hiragana, katakana and half-width kana', () => {
    expect(kanaVariants('やまだ')).toEqual(expect.arrayContaining(['やまだ', 'ヤマダ']));
    expect(kanaVariants('ﾔﾏﾀﾞ')).toEqual(expect.arrayContaining(['ヤマダ', 'やまだ']));
    expect(kanaVariants(' yamada ')).toEqual(['yamada']);
  });
});
