import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ setup: true });
});
afterAll(async () => t?.close());

async function upload(client: Awaited<ReturnType<TestApp['signedIn']>>['client'], bytes: Uint8Array, name = 'leavers.csv', encoding = 'auto') {
  const form = new FormData();
  form.set('_csrf', await client.csrfToken());
  form.set('encoding', encoding);
  form.set("file", new File([new Uint8Array(bytes)], name, { type: 'text/csv' }));
  return client.request('POST', '/admin/roster/import', { body: form, headers: { origin: 'http://localhost:3000' } });
}

const FILE = iconv.encode(
  '社員番号,氏名,フリガナ,部署,入社日,退職日,再雇用可否,個人メールアドレス,連絡同意\r\n' +
    'E1,山田 太郎,ヤマダ タロウ,営業企画部,2015/4/1,2023/3/31,可,taro@example.jp,有\r\n' +
    'E2,佐藤 花子,サトウ ハナコ,人事部,2016/4/1,2023/2/30,否,,無\r\n' +
    'E3,"鈴木, 一郎",スズキ イチロウ,人事部,令和2年4月1日,令和5年3月31日,,,\r\n',
  'cp932',
);

describe('roster pages', () => {
  it('walks an operator through upload → preview with errors → import → list → export', async () => {
    const { client } = await t.signedIn('operator');
    const up = await upload(client, FILE);
    expect(up.status).toBe(303);
    const preview = await client.get(up.location!);
    expect(preview.status).toBe(200);
    expect(preview.body).toContain('3行を読み込みました(Shift_JIS)');
    expect(preview.body).toContain('存在しない日付です');
    const commit = await client.post(`${up.location!}/commit`);
    expect(commit.status).toBe(303);
    const running = await client.get(up.location!);
    expect(running.headers.get('refresh')).toBe('2');
    expect(running.body).toContain('<progress');
    await t.runJobs();
    const done = await client.get(up.location!);
    expect(done.body).toContain('追加 2件、更新 0件、変更なし 0件');
    // The file has katakana readings; a hiragana or half-width query finds them too.
    for (const q of ['すずき', 'スズキ', 'ｽｽﾞｷ']) {
      const list = await client.get('/admin/roster?q=' + encodeURIComponent(q));
      expect(list.body, q).toContain('鈴木, 一郎');
      expect(list.body, q).not.toContain('山田 太郎');
    }
    const all = await client.get('/admin/roster');
    expect(all.body).toContain('鈴木, 一郎');
    expect(all.body).toContain('山田 太郎');
    const csv = await client.get('/admin/roster/export.csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    // (The BOM itself is checked in roster.service.test.ts: text decoding here strips it.)
    expect(csv.body).toContain('E1,山田 太郎,ヤマダ タロウ,,営業企画部,,2015-04-01,2023-03-31,,可,taro@example.jp,有');
  });

  it('answers an empty or unreadable upload with a clear message, not an error page', async () => {
    const { client } = await t.signedIn('operator');
    const empty = await upload(client, new Uint8Array());
    expect(empty.status).toBe(422);
    expect(empty.body).toContain('ファイルが空か、見出し行がありません');
    const broken = await upload(client, Buffer.from('社員番号,氏名\n"E1,山田\n'));
    expect([303, 422]).toContain(broken.status);
  });

  it('lets the operator fix the column mapping', async () => {
    const { client } = await t.signedIn('operator');
    const up = await upload(client, Buffer.from('番号,なまえ\nZ1,手動 一\n'));
    const before = await client.get(up.location!);
    expect(before.body).not.toContain('正しい1行を取り込む');
    await client.post(`${up.location!}/mapping`, { 'col-0': 'employeeNumber', 'col-1': 'name' });
    const after = await client.get(up.location!);
    expect(after.body).toContain('正しい1行を取り込む');
  });

  it('keeps HR data from everyone but operators', async () => {
    for (const kind of ['alumnus', 'employee', 'manager', 'community_manager'] as const) {
      const { client } = await t.signedIn(kind);
      expect((await client.get('/admin/roster')).status, kind).toBe(403);
      expect((await client.get('/admin/roster/export.csv')).status, kind).toBe(403);
      expect((await upload(client, FILE)).status, kind).toBe(403);
    }
  });
});
