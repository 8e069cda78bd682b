/**
 * Japanese names for the demo data: common surnames weighted roughly by how many people
 * carry them, and given names for women and men grouped by the generation that used them
 * most, so that a 60-year-old is a 恵子 or a 浩 and a 25-year-old a 陽菜 or a 蓮.
 *
 * Readings are in hiragana. A `|` in a reading marks a boundary between two word parts
 * (井の|上 → Inoue, not "Inoe"); it is removed from the kana and only guides romaji.
 * Romaji is derived, not typed, so it is consistent: passport-style Hepburn without
 * macrons (佐藤 → Sato, 大野 → Ono, 翔太 → Shota, 健一 → Kenichi).
 */
import type { Random } from './random.ts';
import { hepburn } from '../shared/romaji.ts';

/** A family name with its reading, romaji and a frequency weight (≈ thousands of people). */
export interface Surname {
  kanji: string;
  /** Hiragana reading. */
  kana: string;
  /** Capitalised Hepburn romaji, e.g. `Sato`. */
  romaji: string;
  weight: number;
}

export type Gender = 'female' | 'male';

/** The generation a given name was most popular with, by birth year. */
export type NameEra = 'showa' | 'heisei' | 'recent';

/** A given name with its reading and romaji. */
export interface GivenName {
  kanji: string;
  kana: string;
  romaji: string;
  gender: Gender;
  era: NameEra;
}

/** A generated person, in the shapes the roster and the accounts store. */
export interface PersonName {
  /** Family and given name in kanji with an ASCII space: `山田 花子`. */
  name: string;
  /** Hiragana reading, family first, with an ASCII space: `やまだ はなこ`. */
  nameKana: string;
  /** Given name first, as on a business card in English: `Hanako Yamada`. */
  nameRomaji: string;
  gender: Gender;
  family: Surname;
  given: GivenName;
}

// ---------------------------------------------------------------- romaji

/** Hiragana → lower-case passport Hepburn (さとう → sato); a `|` marks a word boundary. */
export function kanaToRomaji(kana: string): string {
  return hepburn(kana, { longVowels: 'passport', strict: true });
}

const capitalise = (s: string) => (s ? (s[0] as string).toUpperCase() + s.slice(1) : s);

// ---------------------------------------------------------------- surnames

/*
 * `kanji reading weight` rows separated by commas and new lines; weight in thousands of bearers (rounded public estimates; only the
 * order of magnitude matters here). Where a name has several readings the most common is
 * used (河野 こうの, 菅野 かんの, 東 ひがし, 中島 なかじま).
 */
const SURNAME_DATA = `
佐藤 さとう 1870,鈴木 すずき 1790,高橋 たかはし 1410,田中 たなか 1330,伊藤 いとう 1080
渡辺 わたなべ 1070,山本 やまもと 1070,中村 なかむら 1050,小林 こばやし 1020,加藤 かとう 890
吉田 よしだ 840,山田 やまだ 810,佐々木 ささき 670,山口 やまぐち 640,松本 まつもと 630
井上 いの|うえ 610,木村 きむら 570,林 はやし 530,斎藤 さいとう 530,清水 しみず 520
山崎 やまざき 480,森 もり 460,池田 いけだ 440,橋本 はしもと 440,阿部 あべ 440
石川 いしかわ 430,山下 やました 420,中島 なかじま 410,石井 いしい 390,小川 おがわ 390
前田 まえだ 380,岡田 おかだ 380,長谷川 はせがわ 380,藤田 ふじた 380,後藤 ごとう 370
近藤 こんどう 360,村上 むらかみ 350,遠藤 えんどう 340,青木 あおき 340,坂本 さかもと 330
斉藤 さいとう 330,福田 ふくだ 320,太田 おおた 320,西村 にしむら 310,藤井 ふじい 310
金子 かねこ 300,岡本 おかもと 300,藤原 ふじわら 300,中野 なかの 300,三浦 みうら 290
原田 はらだ 290,中川 なかがわ 290,松田 まつだ 290,竹内 たけうち 280,小野 おの 280
田村 たむら 280,中山 なかやま 280,和田 わだ 270,石田 いしだ 270,森田 もりた 270
上田 うえだ 270,原 はら 260,内田 うちだ 260,柴田 しばた 260,酒井 さかい 260
宮崎 みやざき 260,横山 よこやま 250,高木 たかぎ 250,安藤 あんどう 250,宮本 みやもと 250
大野 おおの 240,小島 こじま 240,谷口 たにぐち 240,今井 いまい 240,工藤 くどう 240
高田 たかだ 230,増田 ますだ 230,丸山 まるやま 230,杉山 すぎやま 230,村田 むらた 230
大塚 おおつか 230,新井 あらい 220,小山 こやま 220,平野 ひらの 220,藤本 ふじもと 220
河野 こうの 220,上野 うえの 220,野口 のぐち 210,武田 たけだ 210,松井 まつい 210
千葉 ちば 210,岩崎 いわさき 210,菅原 すがわら 210,木下 きのした 210,久保 くぼ 210
佐野 さの 200,野村 のむら 200,松尾 まつお 200,市川 いちかわ 200,菊地 きくち 200
杉本 すぎもと 200,古川 ふるかわ 200,大西 おおにし 190,島田 しまだ 190,水野 みずの 190
桜井 さくらい 190,高野 たかの 190,渡部 わたなべ 190,吉川 よしかわ 180,山内 やまうち 180
西田 にしだ 180,飯田 いいだ 180,菊池 きくち 180,西川 にしかわ 180,小松 こまつ 180
北村 きたむら 180,安田 やすだ 180,五十嵐 いがらし 180,川口 かわぐち 180,平田 ひらた 180
関 せき 170,中田 なかた 170,久保田 くぼた 170,服部 はっとり 170,東 ひがし 170
岩田 いわた 170,土屋 つちや 170,川崎 かわさき 170,福島 ふくしま 170,本田 ほんだ 170
辻 つじ 160,樋口 ひぐち 160,秋山 あきやま 160,田口 たぐち 160,永井 ながい 160
山中 やまなか 160,中西 なかにし 160,吉村 よしむら 160,川上 かわかみ 160,大橋 おおはし 160
石原 いしはら 160,松岡 まつおか 160,浜田 はまだ 160,馬場 ばば 160,森本 もりもと 160
矢野 やの 160,浅野 あさの 150,松下 まつした 150,星野 ほしの 150,大久保 おおくぼ 150
吉岡 よしおか 150,小池 こいけ 150,野田 のだ 150,荒木 あらき 150,大谷 おおたに 150
内藤 ないとう 150,松浦 まつ|うら 150,熊谷 くまがい 150,黒田 くろだ 150,尾崎 おざき 150
永田 ながた 150,川村 かわむら 140,望月 もちづき 140,田辺 たなべ 140,松村 まつむら 140
荒井 あらい 140,堀 ほり 140,大島 おおしま 140,平井 ひらい 140,早川 はやかわ 140
菅野 かんの 140,栗原 くりはら 140,西山 にしやま 140,広瀬 ひろせ 140,横田 よこた 140
石橋 いしばし 140,萩原 はぎわら 140,岩本 いわもと 140,片山 かたやま 140,関口 せきぐち 140
宮田 みやた 140,大石 おおいし 140,高山 たかやま 140,本間 ほんま 140,須藤 すどう 130
岡崎 おかざき 130,小田 おだ 130,伊東 いとう 130,鎌田 かまた 130,上原 うえはら 130
篠原 しのはら 130,小西 こにし 130,松原 まつばら 130,福井 ふくい 130,成田 なりた 130
北川 きたがわ 130,宮下 みやした 130,白石 しらいし 130,内山 うちやま 130,桑原 くわばら 130
奥村 おくむら 130,今村 いまむら 130,大川 おおかわ 120,富田 とみた 120,杉浦 すぎうら 120
小沢 おざわ 120,岡 おか 120,平川 ひらかわ 110,西 にし 110,堤 つつみ 100
`;

function parseSurnames(data: string): Surname[] {
  return data
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((row) => {
      const [kanji, reading, weight] = row.split(/\s+/) as [string, string, string];
      return { kanji, kana: reading.replaceAll('|', ''), romaji: capitalise(kanaToRomaji(reading)), weight: Number(weight) };
    });
}

/** About 200 common surnames, most frequent first. */
export const SURNAMES: readonly Surname[] = Object.freeze(parseSurnames(SURNAME_DATA));

// ---------------------------------------------------------------- given names

/*
 * `kanji:reading` pairs by generation: showa ≈ born before 1975, heisei ≈ 1975–1994,
 * recent ≈ 1990 onwards (the eras overlap on purpose: names do not change overnight).
 */
const FEMALE_DATA: Record<NameEra, string> = {
  showa: `
    恵子:けいこ 洋子:ようこ 幸子:さちこ 京子:きょうこ 久美子:くみこ 由美子:ゆみこ 裕子:ゆうこ
    直美:なおみ 真由美:まゆみ 智子:ともこ 明美:あけみ 陽子:ようこ 順子:じゅんこ 和子:かずこ
    典子:のりこ 純子:じゅんこ 由紀子:ゆきこ 真理子:まりこ 弘美:ひろみ 尚子:なおこ 敦子:あつこ
    恭子:きょうこ 雅子:まさこ 礼子:れいこ 直子:なおこ 美智子:みちこ 佳子:よしこ 紀子:のりこ
    理恵:りえ 美佐子:みさこ 淳子:じゅんこ 千秋:ちあき 美香:みか 孝子:たかこ 里美:さとみ
    由美:ゆみ 美穂:みほ 香織:かおり 桂子:けいこ 文子:ふみこ 悦子:えつこ 美由紀:みゆき
  `,
  heisei: `
    愛:あい 舞:まい 彩:あや 瞳:ひとみ 麻衣:まい 沙織:さおり 恵:めぐみ 絵美:えみ 亜希子:あきこ
    美咲:みさき 千尋:ちひろ 奈美:なみ 友美:ともみ 真美:まみ 由佳:ゆか 彩子:あやこ 加奈子:かなこ
    朋子:ともこ 絵里:えり 早苗:さなえ 美和:みわ 明日香:あすか 梓:あずさ 静香:しずか 沙也加:さやか
    愛美:まなみ 歩:あゆみ 薫:かおる 綾:あや 遥:はるか 茜:あかね 麻美:あさみ 優子:ゆうこ
    綾香:あやか 志保:しほ 真紀:まき 由香里:ゆかり 智美:ともみ 恵理:えり 佳奈:かな 理沙:りさ
    麻由:まゆ 美紀:みき 亜美:あみ 舞子:まいこ 早紀:さき
  `,
  recent: `
    葵:あおい 陽菜:ひな さくら:さくら 七海:ななみ 結衣:ゆい 彩乃:あやの 真央:まお 優花:ゆうか
    夏美:なつみ 美月:みづき 杏奈:あんな 詩織:しおり 莉子:りこ 花音:かのん 美優:みゆ 芽衣:めい
    凛:りん 結菜:ゆいな 彩花:あやか 千夏:ちなつ 琴音:ことね 日向:ひなた 真由:まゆ 愛梨:あいり
    明里:あかり 桃子:ももこ 玲奈:れな 瑞希:みずき 沙耶:さや 春香:はるか 奈央:なお 香奈:かな
    未来:みく 穂乃香:ほのか 楓:かえで 萌:もえ 奈々:なな 由衣:ゆい 菜々子:ななこ 美結:みゆ
    里奈:りな 友香:ともか 遥香:はるか 花子:はなこ
  `,
};

const MALE_DATA: Record<NameEra, string> = {
  showa: `
    誠:まこと 浩:ひろし 博:ひろし 修:おさむ 茂:しげる 勝:まさる 実:みのる 隆:たかし 清:きよし
    進:すすむ 豊:ゆたか 明:あきら 正樹:まさき 和夫:かずお 秀樹:ひでき 浩二:こうじ 健一:けんいち
    隆之:たかゆき 博之:ひろゆき 和彦:かずひこ 正人:まさと 雅之:まさゆき 孝:たかし 靖:やすし
    敏夫:としお 康弘:やすひろ 幸一:こういち 英樹:ひでき 俊之:としゆき 伸一:しんいち 浩一:こういち
    哲也:てつや 信之:のぶゆき 昌弘:まさひろ 聡:さとし 徹:とおる 淳:じゅん 義明:よしあき
    正和:まさかず 一郎:いちろう 健二:けんじ 功:いさお
  `,
  heisei: `
    大輔:だいすけ 拓也:たくや 健太:けんた 翔:しょう 直樹:なおき 和也:かずや 達也:たつや 亮:りょう
    健:けん 剛:つよし 智也:ともや 雄太:ゆうた 裕太:ゆうた 大樹:だいき 翔太:しょうた 亮介:りょうすけ
    慎也:しんや 俊介:しゅんすけ 祐介:ゆうすけ 浩平:こうへい 洋平:ようへい 慎吾:しんご 一樹:かずき
    貴之:たかゆき 健太郎:けんたろう 雄一:ゆういち 悠介:ゆうすけ 崇:たかし 学:まなぶ 将太:しょうた
    圭:けい 純一:じゅんいち 賢治:けんじ 修平:しゅうへい 恭平:きょうへい 雄大:ゆうだい 亮太:りょうた
    隼人:はやと 大介:だいすけ 勇気:ゆうき 真也:しんや 康介:こうすけ 圭介:けいすけ 陽介:ようすけ
    直人:なおと 太郎:たろう
  `,
  recent: `
    大輝:だいき 拓海:たくみ 蓮:れん 颯太:そうた 悠斗:ゆうと 陽斗:はると 大翔:ひろと 悠真:ゆうま
    湊:みなと 陸:りく 海斗:かいと 駿:しゅん 優斗:ゆうと 翼:つばさ 健人:けんと 航:わたる 蒼:あおい
    樹:いつき 悠人:ゆうと 匠:たくみ 奏太:かなた 瑛太:えいた 大和:やまと 拓真:たくま 涼太:りょうた
    慎之介:しんのすけ 一輝:かずき 晴人:はると 遼:りょう 龍之介:りゅうのすけ 侑:ゆう 光:ひかる
    和樹:かずき 将大:まさひろ 航平:こうへい 智哉:ともや 啓太:けいた 優太:ゆうた 翔平:しょうへい
    颯:はやて 蒼太:そうた 陽太:ようた 悠:ゆう
  `,
};

function parseGivenNames(data: Record<NameEra, string>, gender: Gender): GivenName[] {
  const out: GivenName[] = [];
  for (const era of ['showa', 'heisei', 'recent'] as const) {
    for (const pair of data[era].split(/\s+/).filter(Boolean)) {
      const [kanji, reading] = pair.split(':') as [string, string];
      out.push({ kanji, kana: reading.replaceAll('|', ''), romaji: capitalise(kanaToRomaji(reading)), gender, era });
    }
  }
  return out;
}

/** About 140 women's given names across three generations. */
export const FEMALE_GIVEN_NAMES: readonly GivenName[] = Object.freeze(parseGivenNames(FEMALE_DATA, 'female'));
/** About 140 men's given names across three generations. */
export const MALE_GIVEN_NAMES: readonly GivenName[] = Object.freeze(parseGivenNames(MALE_DATA, 'male'));

// ---------------------------------------------------------------- generator

const byEra = (names: readonly GivenName[]): Record<NameEra, GivenName[]> => ({
  showa: names.filter((g) => g.era === 'showa'),
  heisei: names.filter((g) => g.era === 'heisei'),
  recent: names.filter((g) => g.era === 'recent'),
});
const POOLS: Record<Gender, Record<NameEra, GivenName[]>> = {
  female: byEra(FEMALE_GIVEN_NAMES),
  male: byEra(MALE_GIVEN_NAMES),
};

/** How likely each era's names are for a birth year (a name pool shifts slowly). */
function eraWeights(birthYear: number): ReadonlyArray<readonly [NameEra, number]> {
  if (birthYear < 1968) return [['showa', 90], ['heisei', 10], ['recent', 0]];
  if (birthYear < 1978) return [['showa', 60], ['heisei', 38], ['recent', 2]];
  if (birthYear < 1988) return [['showa', 15], ['heisei', 75], ['recent', 10]];
  if (birthYear < 1995) return [['showa', 3], ['heisei', 55], ['recent', 42]];
  return [['showa', 0], ['heisei', 20], ['recent', 80]];
}

export interface GeneratePersonOptions {
  /** Fixed gender; otherwise about 42% women (a typical Japanese company's workforce). */
  gender?: Gender;
  /** Birth year, to pick a given name of the right generation; default 1985. */
  birthYear?: number;
}

/** Share of women when no gender is given. */
export const FEMALE_SHARE = 0.42;

/** Draws one plausible Japanese person from `rng`. Pure: the same stream state gives the same person. */
export function generatePerson(rng: Random, opts: GeneratePersonOptions = {}): PersonName {
  const gender: Gender = opts.gender ?? (rng.chance(FEMALE_SHARE) ? 'female' : 'male');
  const family = rng.weightedPick(SURNAMES, (s) => s.weight);
  const era = rng.weighted(eraWeights(opts.birthYear ?? 1985));
  const given = rng.pick(POOLS[gender][era]);
  return {
    name: `${family.kanji} ${given.kanji}`,
    nameKana: `${family.kana} ${given.kana}`,
    nameRomaji: `${given.romaji} ${family.romaji}`,
    gender,
    family,
    given,
  };
}
