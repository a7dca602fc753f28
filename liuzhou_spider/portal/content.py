"""Realistic text of a Chinese united-front news portal, built from templates.

Why templates and not a corpus: the portal must be generated offline, deterministically
and fast (20,000 articles in seconds), and its ground truth must be exact.  Sentences are
assembled from clause pools large enough that two ordinary articles never look alike by
chance, while the *look-alike* reports deliberately share whole boilerplate sentences,
as weekly meeting reports and speeches of real portals do.

Every string here is GBK-encodable: legacy pages are written in GBK.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

SURNAMES = (
    "张王李刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
    "程苏魏吕丁沈姚卢钟谭陆范廖韦覃莫蓝黎梁卢龙雷"
)
GIVEN_CHARS = (
    "壮胜友震寰立华申敬建国志强海涛红梅丽娟伟明晓东春燕文杰永军秀英小平卫民桂林玉兰德辉雪峰少波"
)
# GBK-only characters (absent from GB2312): pages declared gb2312 must still carry them.
GBK_ONLY_CHARS = "喆堃镕珺昇玥"

POSITIONS = (
    "市委常委、统战部部长",
    "市委统战部常务副部长",
    "市委统战部副部长",
    "市民族宗教事务委员会主任",
    "市工商联党组书记",
    "市政协副主席",
    "市侨联主席",
    "市委台办主任",
    "市委统战部四级调研员",
    "市人大常委会副主任",
    "副市长",
    "市委副书记",
    "市新的社会阶层人士联合会会长",
)
ORGS = (
    "市委统战部",
    "市民族宗教事务委员会",
    "市工商联",
    "市侨联",
    "市委台办",
    "民革柳州市委会",
    "民盟柳州市委会",
    "民建柳州市委会",
    "民进柳州市委会",
    "农工党柳州市委会",
    "致公党柳州市委会",
    "九三学社柳州市委会",
    "市知联会",
    "市新联会",
    "市欧美同学会",
    "市光彩事业促进会",
    "城中区委统战部",
    "鱼峰区委统战部",
    "柳南区委统战部",
    "柳北区委统战部",
    "柳江区委统战部",
    "柳城县委统战部",
    "鹿寨县委统战部",
    "融安县委统战部",
    "融水苗族自治县委统战部",
    "三江侗族自治县委统战部",
)
PLACES = (
    "城中区",
    "鱼峰区",
    "柳南区",
    "柳北区",
    "柳江区",
    "柳城县",
    "鹿寨县",
    "融安县",
    "融水苗族自治县",
    "三江侗族自治县",
    "柳东新区",
    "北部生态新区",
    "三江县程阳八寨",
    "融水县安陲乡",
    "鹿寨县中渡镇",
    "柳城县凤山镇",
    "柳江区百朋镇",
    "鱼峰区白沙镇",
    "上汽通用五菱宝骏基地",
    "柳工集团",
    "柳钢集团",
    "东风柳汽",
    "柳州螺蛳粉产业园",
    "柳州职业技术学院",
    "广西科技大学",
    "市民族团结进步教育基地",
    "市同心实践基地",
)
MEETINGS = (
    "部务会议",
    "全市统战部长会议",
    "民族宗教工作联席会议",
    "党外代表人士座谈会",
    "民营经济人士迎春座谈会",
    "港澳台侨工作座谈会",
    "统一战线理论研讨会",
    "宗教工作领导小组会议",
    "新的社会阶层人士统战工作推进会",
    "民主党派工作联席会议",
    "统战系统干部专题培训班",
    "铸牢中华民族共同体意识工作推进会",
    "民营企业家恳谈会",
    "侨界人士中秋联谊会",
)
EVENTS = (
    "“同心助企”走访活动",
    "民族团结进步宣传月活动",
    "“三月三”民族文化活动",
    "统一战线“同心圆梦”主题实践活动",
    "宗教活动场所安全隐患排查",
    "“侨爱心”助学活动",
    "新的社会阶层人士“同心聚力”志愿服务",
    "民营企业“万企兴万村”行动",
    "党外知识分子建言献策活动",
    "统战干部能力提升培训",
    "港澳青年实习交流活动",
    "“石榴籽”进社区宣讲活动",
    "民主党派“同心·光明”义诊活动",
    "涉侨法律服务进社区活动",
    "光彩事业乡村振兴对接会",
)
TOPICS = (  # none ends in 工作: templates append it
    "铸牢中华民族共同体意识",
    "民营经济高质量发展",
    "宗教领域风险隐患防范化解",
    "党外代表人士队伍建设",
    "新的社会阶层人士统战",
    "港澳台海外统战",
    "民族团结进步创建",
    "多党合作制度建设",
    "统一战线助力乡村振兴",
    "网络统战",
    "侨务资源服务产业发展",
    "统战理论政策宣传",
)
VERBS = (
    "深入学习贯彻",
    "全面落实",
    "持续推进",
    "不断加强",
    "切实做好",
    "积极引导",
    "充分发挥",
    "着力提升",
    "扎实开展",
    "进一步健全",
    "认真总结",
    "系统谋划",
    "统筹推进",
    "大力弘扬",
    "牢牢把握",
    "持续深化",
    "用心用情做好",
    "主动融入",
)
OBJECTS = (
    "党的二十大和二十届历次全会精神",
    "中央统战工作会议精神",
    "铸牢中华民族共同体意识这条主线",
    "民营经济人士思想政治建设",
    "新的社会阶层人士统战工作",
    "民族团结进步创建工作",
    "宗教工作法治化水平",
    "港澳台海外统战工作",
    "党外代表人士队伍建设",
    "统一战线的政治作用",
    "“大统战”工作格局",
    "同心实践基地建设",
    "统战工作责任制",
    "统战干部队伍建设",
    "参政议政和民主监督工作",
    "非公有制经济领域统战工作",
    "侨务资源优势",
    "民族地区经济社会发展",
    "宗教界人士的教育引导",
    "统战宣传思想工作",
    "党外知识分子工作",
    "网络人士统战工作",
    "基层统战工作规范化建设",
    "各民族交往交流交融",
)
GOALS = (
    "加快建设制造强市",
    "推动柳州高质量发展",
    "奋力谱写中国式现代化柳州篇章",
    "建设新时代中国特色社会主义壮美广西",
    "巩固和发展最广泛的爱国统一战线",
    "凝聚起推动发展的强大合力",
    "服务全市工作大局",
    "助力乡村全面振兴",
)
CONTRIBUTIONS = ("贡献统战力量", "汇聚磅礴力量", "作出新的更大贡献", "提供有力支撑", "凝心聚力")
OPENERS = (
    "会议强调，",
    "会议指出，",
    "会议要求，",
    "与会人员一致认为，",
    "座谈中，",
    "据了解，",
    "近年来，",
    "下一步，",
    "活动中，",
    "调研中，",
    "大家表示，",
    "会上，",
    "",
)
GROUPS = (
    "党外代表人士",
    "民营企业家",
    "新的社会阶层人士",
    "宗教界人士",
    "归侨侨眷",
    "少数民族群众",
    "统战干部",
    "民主党派成员",
    "港澳青年",
    "党外知识分子",
    "志愿者",
    "社区群众",
)
UNITS = ("家企业", "个项目", "场次活动", "人次", "条意见建议", "个基层统战工作站")
SOURCES = (
    "柳州1号",
    "市委统战部",
    "柳州日报",
    "柳州晚报",
    "市民宗委",
    "市工商联",
    "市侨联",
    "柳州市人民政府网",
    "广西统一战线",
    "柳州新闻网",
)
CAPTIONS = (
    "{person}出席并讲话。",
    "会议现场。",
    "活动现场。",
    "{person}主持会议。",
    "调研组实地察看。",
    "与会人员认真听取讲话。",
    "{person}一行在{place}调研。",
    "座谈会现场。",
    "{org}负责同志作交流发言。",
    "大会现场。",
    "{person}为获奖代表颁奖。",
    "参观学习现场。",
)
DOCUMENT_NAMES = (
    "{year}年全市统战工作要点",
    "{year}年度民族团结进步示范单位名单",
    "统战工作责任制考核细则",
    "{year}年同心实践基地申报表",
    "党外代表人士信息登记表",
    "宗教活动场所安全检查台账",
    "{year}年民营经济发展情况统计表",
    "侨务工作政策汇编",
    "报名回执",
)
TOPIC_PAGES = (
    ("zlgt", "铸牢中华民族共同体意识"),
    ("xxgc", "学习贯彻党的二十大精神"),
    ("mzty", "民族团结进步月"),
)

# Sentences that weekly meeting reports and speeches repeat word for word.  Look-alike
# articles share a subset of these and nothing else; ordinary articles never use them.
BOILERPLATE = (
    "要统一思想抓落实，切实把思想和行动统一到市委、市政府决策部署上来，凝聚起推动高质量发展的强大共识和攻坚合力。",
    "要压实责任抓落实，对照年度目标任务逐项梳理、挂图作战，确保各项工作有人抓、有人管、有人落实。",
    "要强化督导抓落实，建立健全跟踪问效机制，推动各项工作干在实处、取得实效。",
    "要坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平总书记关于加强和改进统一战线工作的重要思想。",
    "要提高政治站位，深刻认识做好新时代统战工作的重要意义，切实增强责任感和使命感。",
    "要坚持问题导向，聚焦工作中的短板弱项，拿出务实管用的硬招实招，以钉钉子精神抓好整改落实。",
    "要加强统筹协调，发挥统战工作领导小组作用，推动形成党委统一领导、统战部门牵头协调、有关方面各负其责的工作格局。",
    "要锤炼过硬作风，大兴调查研究之风，力戒形式主义、官僚主义，以实干实绩检验工作成效。",
    "要严守纪律规矩，严格落实中央八项规定及其实施细则精神，以严的基调、严的措施、严的氛围推动全面从严治党向纵深发展。",
    "会议传达学习了中央和自治区有关会议精神，研究部署了近期重点工作。",
    "会议通报了上周重点工作完成情况，各科室负责同志汇报了本周工作安排。",
    "会议要求，各科室要对照时间节点倒排工期，确保按时保质完成各项任务。",
    "要守牢安全底线，扎实做好意识形态、宗教领域、网络舆情等方面风险防范化解工作。",
    "要加强统战干部队伍建设，教育引导广大统战干部做到政治坚定、业务精通、作风过硬。",
    "要发挥统一战线人才荟萃、智力密集、联系广泛的优势，围绕中心、服务大局，积极建言献策。",
    "要以钉钉子精神抓好各项工作落实，确保市委各项决策部署在统一战线落地见效。",
    "各级统战部门要主动担当作为，在服务全市经济社会发展大局中展现新担当、实现新作为。",
    "要加强宣传引导，讲好统一战线故事，传播统一战线好声音，营造良好舆论氛围。",
    "会议强调，要扎实开展党纪学习教育，引导党员干部学纪、知纪、明纪、守纪。",
    "要抓好年度考核各项准备工作，认真总结全年工作亮点和经验做法。",
    "会议还对安全生产、信访维稳、节日值班等工作进行了安排部署。",
    "要以高度的政治责任感和历史使命感，把各项工作抓紧抓实抓细。",
)


@dataclass
class Story:
    """The text of one article, independent of how any page renders it."""

    title: str
    paragraphs: list[str]
    captions: dict[int, list[str]] = field(default_factory=dict)  # images after paragraph i
    source: str | None = None
    editor: str = ""
    attachments: list[str] = field(default_factory=list)  # document titles (with extension)
    people: list[str] = field(default_factory=list)  # names used, for "corrected name" edits

    def body_text(self) -> str:
        """Paragraphs joined by newlines: the ground-truth body (captions excluded)."""
        return "\n".join(self.paragraphs)


def pick(rng: random.Random, items: Sequence[str]) -> str:
    """``rng.choice`` at half the cost (one float draw instead of a rejection loop)."""
    return items[int(rng.random() * len(items))]


class _Slots(dict[str, str]):
    """Template slots drawn only when a template uses them (most use two or three)."""

    def __init__(self, writer: Writer, extra: dict[str, str]) -> None:
        super().__init__(extra)
        self.writer = writer

    def __missing__(self, key: str) -> str:
        rng = self.writer.rng
        if key == "person":
            return pick(rng, self.writer.people)
        if key == "n":
            return str(rng.randint(12, 480))
        return pick(rng, _POOLS[key])


class Writer:
    """Draws names, places and sentences from one ``random.Random`` stream."""

    def __init__(self, rng: random.Random, *, gbk_names: bool = False) -> None:
        self.rng = rng
        self.gbk_names = gbk_names
        self.people = [self.person() for _ in range(3)]

    def person(self) -> str:
        """A person name; GBK-only characters appear in some names, as in real ones."""
        rng = self.rng
        pool = GIVEN_CHARS + (GBK_ONLY_CHARS * 3 if self.gbk_names else "")
        given = "".join(pick(rng, pool) for _ in range(rng.choice((1, 2, 2))))
        return pick(rng, SURNAMES) + given

    def fill(self, text: str, **extra: str) -> str:
        """Replace the template slots of ``text`` by random vocabulary (drawn lazily)."""
        return text.format_map(_Slots(self, extra))

    def clause(self) -> str:
        """One "要…" clause: a verb and an object of united-front work."""
        rng = self.rng
        return f"{pick(rng, VERBS)}{pick(rng, OBJECTS)}"

    def sentence(self) -> str:
        """One body sentence; forms vary so that articles do not repeat each other."""
        rng = self.rng
        form = rng.randrange(7)
        if form == 0:
            purpose = self.fill("{goal}{contribution}")
            return f"{pick(rng, OPENERS)}要{self.clause()}，{self.clause()}，为{purpose}。"
        if form == 1:
            return self.fill(
                "{person}指出，{topic}是一项长期任务，要{c1}，{c2}，确保取得实效。",
                c1=self.clause(),
                c2=self.clause(),
            )
        if form == 2:
            return self.fill(
                "近年来，{org}坚持{c1}，累计开展各类活动{n}场次，服务{group}{m}余人次。",
                c1=self.clause(),
                m=str(rng.randint(200, 9800)),
            )
        if form == 3:
            return self.fill(
                "{group}代表结合自身实际作了交流发言，围绕{topic}提出了{n}条意见建议。"
            )
        if form == 4:
            return self.fill(
                "{year}年以来，全市共{verb}{n}{unit}，{c1}取得明显成效。",
                year=str(rng.randint(2012, 2026)),
                verb=rng.choice(("走访", "培育", "推动落地", "协调解决", "联系服务")),
                c1=pick(rng, OBJECTS),
            )
        if form == 5:
            return self.fill(
                "{opener}{position}{person}要求，各级统战部门要{c1}，{c2}。",
                opener=pick(rng, OPENERS),
                c1=self.clause(),
                c2=self.clause(),
            )
        return self.fill("在{place}，{org}{c1}，推动{topic}走深走实。", c1=self.clause())

    def paragraph(self, count: int | None = None) -> str:
        """Two to five sentences."""
        return "".join(self.sentence() for _ in range(count or self.rng.randint(2, 5)))

    def lead(self, month: int, day: int) -> str:
        """The opening paragraph: who met where, when, and who spoke."""
        return self.fill(
            "{month}月{day}日，{org}在{place}召开{meeting}，{c1}。{position}{person}出席并讲话。",
            month=str(month),
            day=str(day),
            c1=self.clause(),
            person=self.people[0],
        ) + self.paragraph(1)

    def title(self, year: int) -> str:
        """A headline in the style of the portal."""
        forms = (
            "{person}到{place}调研{topic}工作",
            "{org}召开{meeting}",
            "{org}开展{event}",
            "{place}举办{event}",
            "{person}出席{meeting}并讲话",
            "我市召开{year}年{topic}工作会议",
            "{org}：以{topic}为抓手 {goal}",
            "{person}在{place}调研时强调 {c1}",
            "{year}年{org}{event}圆满举行",
        )
        return self.fill(pick(self.rng, forms), year=str(year), c1=self.clause())

    def caption(self) -> str:
        """The one-line caption under a photo."""
        return self.fill(pick(self.rng, CAPTIONS))

    def document(self, year: int) -> str:
        """An attachment's file name."""
        ext = self.rng.choice((".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip"))
        return DOCUMENT_NAMES[self.rng.randrange(len(DOCUMENT_NAMES))].format(year=year) + ext


def body_target(rng: random.Random) -> int:
    """Body length in characters: 300..3000, most articles around 900."""
    return int(rng.triangular(300, 3000, 900))


def fill_body(writer: Writer, lead: str, target: int, extra: list[str] | None = None) -> list[str]:
    """Paragraphs from ``lead`` on until about ``target`` characters (never over 3000)."""
    paragraphs = [lead, *(extra or [])]
    total = sum(map(len, paragraphs))
    while total < target:
        paragraph = writer.paragraph()
        if total + len(paragraph) > 3000 and total >= 300:
            break
        paragraphs.append(paragraph)
        total += len(paragraph)
    return paragraphs


def news_headline(rng: random.Random, year: int, *, gbk_names: bool) -> tuple[Writer, str]:
    """The first draws of a news story: its people and title.

    Planning calls this alone (list pages need every title) and ``news_story`` calls it
    first on the same stream, so both agree without keeping 20,000 bodies in memory.
    """
    writer = Writer(rng, gbk_names=gbk_names)
    return writer, writer.title(year)


def news_story(
    rng: random.Random,
    year: int,
    month: int,
    day: int,
    *,
    gbk_names: bool,
    min_len: int = 300,
) -> Story:
    """An ordinary news article with a few photos, sometimes an attachment."""
    writer, title = news_headline(rng, year, gbk_names=gbk_names)
    target = max(min_len, body_target(rng))
    paragraphs = fill_body(writer, writer.lead(month, day), target)
    story = Story(title=title, paragraphs=paragraphs, people=writer.people)
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        story.captions.setdefault(rng.randrange(len(paragraphs)), []).append(writer.caption())
    if rng.random() < 0.12:
        story.attachments = [writer.document(year) for _ in range(rng.randint(1, 2))]
    story.source = pick(rng, SOURCES) if rng.random() < 0.8 else None
    story.editor = writer.person()
    return story


def meeting_headline(
    rng: random.Random,
    year: int,
    number: int,
    *,
    speech: bool,
) -> tuple[Writer, str]:
    """The first draws of a meeting report or speech (see ``news_headline``)."""
    writer = Writer(rng)
    if speech:
        topic = pick(rng, TOPICS)
        return writer, f"{writer.people[0]}在{year}年全市{topic}工作会议上的讲话（第{number}期）"
    return writer, f"市委统战部召开{year}年第{number}次部务会议"


def meeting_story(
    rng: random.Random,
    year: int,
    month: int,
    day: int,
    number: int,
    shared: list[str],
    *,
    speech: bool,
) -> Story:
    """A weekly meeting report or speech: ``shared`` boilerplate plus its own facts.

    The boilerplate sentences are interleaved with sentences of this meeting only, so two
    reports of two meetings share whole sentences yet report different events.
    """
    writer, title = meeting_headline(rng, year, number, speech=speech)
    # about as many own sentences as shared ones: up to ~55% of a report is boilerplate
    own = [writer.sentence() for _ in range(rng.randint(max(1, len(shared) - 3), len(shared)))]
    sentences = [writer.lead(month, day)]
    for pair in itertools.zip_longest(own, shared):
        sentences += [s for s in pair if s]
    while sum(map(len, sentences)) < 300:  # the portal has no reports under 300 chars
        sentences.append(writer.sentence())
    paragraphs = ["".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return Story(
        title=title,
        paragraphs=paragraphs,
        source="市委统战部",
        editor=writer.person(),
        people=writer.people,
    )


def renamed(wrong: str, rng: random.Random) -> str:
    """The corrected spelling of a misspelt name: same surname, other given name."""
    right = wrong[0] + "".join(pick(rng, GIVEN_CHARS) for _ in wrong[1:])
    return right if right != wrong else wrong[0] + "正"


def correct_name(story: Story, rng: random.Random) -> Story:
    """A republication that corrects one person's name everywhere (a small edit)."""
    wrong = story.people[0]
    right = renamed(wrong, rng)

    def fix(text: str) -> str:
        return text.replace(wrong, right)

    return Story(
        title=fix(story.title),
        paragraphs=[fix(p) for p in story.paragraphs],
        captions={k: [fix(c) for c in v] for k, v in story.captions.items()},
        source=story.source,
        editor=story.editor,
        attachments=list(story.attachments),
        people=[right, *story.people[1:]],
    )


def add_line(story: Story, line: str) -> Story:
    """A version with one more closing paragraph (a republication or an edit)."""
    return Story(
        title=story.title,
        paragraphs=[*story.paragraphs, line],
        captions=dict(story.captions),
        source=story.source,
        editor=story.editor,
        attachments=list(story.attachments),
        people=list(story.people),
    )


def closing_line(rng: random.Random) -> str:
    """A line an editor adds to a published article."""
    writer = Writer(rng)
    return writer.fill("（本文有更新：补充{org}有关情况。{s}）", s=writer.sentence())


def repost_title(title: str) -> str:
    """How a reposting site words a title: the space of a two-part headline becomes a
    comma, or the headline gains a 转载 mark."""
    return title.replace(" ", "，", 1) if " " in title else f"{title}（转载）"


def without_photos(story: Story) -> Story:
    """A repost that leaves the photos (and their captions) out, as reposting sites do."""
    return replace(story, captions={})


_POOLS: dict[str, tuple[str, ...]] = {
    "place": PLACES,
    "org": ORGS,
    "meeting": MEETINGS,
    "event": EVENTS,
    "topic": TOPICS,
    "group": GROUPS,
    "unit": UNITS,
    "position": POSITIONS,
    "goal": GOALS,
    "contribution": CONTRIBUTIONS,
}

_HALF_WIDTH = str.maketrans({"，": ",", "：": ":", "（": "(", "）": ")", "；": ";"})


def half_width(story: Story) -> Story:
    """The story with half-width punctuation, as some editors type it (see the seed)."""
    return Story(
        title=story.title,
        paragraphs=[p.translate(_HALF_WIDTH) for p in story.paragraphs],
        captions=dict(story.captions),
        source=story.source,
        editor=story.editor,
        attachments=list(story.attachments),
        people=list(story.people),
    )
