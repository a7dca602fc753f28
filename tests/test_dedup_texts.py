"""Texts for the deduplication tests, built like the spec's look-alike reports.

Weekly meeting reports of the united-front department reuse whole sentences ("要统一
思想抓落实…"); what differs is the date, the week, who chaired, and what was reported.
``meeting_report(week, boilerplate_share)`` writes one such report with about the given
share of its characters taken from the shared sentences.  No tests here.
"""

from __future__ import annotations

import random

BOILERPLATE = (
    "要统一思想抓落实，切实把思想和行动统一到市委、市政府决策部署上来，凝聚起推动高质量发展的强大共识和攻坚合力。",
    "要压实责任抓落实，强化“五种理念”优环境，着力整治“十大顽疾”、树立“十种导向”转作风。",
    "要强化督导抓落实，推动各项工作干在实处、取得实效，确保统战工作各项任务落地见效。",
    "会议强调，全体干部要牢固树立正确政绩观，以实干破难题、以实绩促发展，不断争创新优势、开创新局面。",
    "会议要求，各科室要对照年度目标任务，倒排工期、挂图作战，确保按时保质完成各项工作。",
    "要坚持大团结大联合，把统一战线的政治优势、组织优势和人才优势转化为推动柳州高质量发展的强大动能。",
    "要严格落实意识形态工作责任制，守好阵地、管好队伍，牢牢把握统战领域意识形态工作主动权。",
    "要持续深化作风建设，严格遵守中央八项规定精神，以优良作风凝心聚力、担当作为。",
    "会议指出，统战工作本质上是争取人心、凝聚力量的工作，必须坚持党的领导，把握政治方向。",
    "要加强统战干部队伍建设，提升做好新时代统战工作的能力和水平，锻造忠诚干净担当的统战铁军。",
)

_TOPICS = (
    "民族团结进步创建",
    "统一战线理论研究",
    "非公有制经济人士教育培训",
    "宗教领域安全稳定",
    "港澳台海外统战工作",
    "新的社会阶层人士联谊",
    "党外知识分子建言献策",
    "乡村振兴同心行动",
    "民营企业营商环境座谈",
    "少数民族特色村寨建设",
    "侨务资源整合利用",
    "同心实践基地建设",
    "党外代表人士队伍建设",
    "各民主党派市委会换届",
    "工商联商会改革",
    "铸牢中华民族共同体意识教育",
)
_PEOPLE = ("王海", "李明华", "陈晓东", "黄志强", "刘丽萍", "赵建国", "周文静", "覃桂林")
_VERBS = ("听取了", "研究了", "通报了", "审议了", "部署了", "总结了")
_ACTS = ("走访调研", "召开座谈会", "开展专题培训", "组织实地考察", "举办联谊活动", "开展集中宣讲")
_PLACES = (
    "柳北区",
    "城中区",
    "鱼峰区",
    "柳南区",
    "柳江区",
    "柳城县",
    "鹿寨县",
    "融安县",
    "三江侗族自治县",
)


def _event_sentence(rng: random.Random) -> str:
    topic, other = rng.sample(_TOPICS, 2)
    return (
        f"会议{rng.choice(_VERBS)}{topic}工作情况，{rng.choice(_PEOPLE)}介绍了在"
        f"{rng.choice(_PLACES)}{rng.choice(_ACTS)}的做法，提出下一步{other}的"
        f"{rng.randint(2, 9)}项具体措施，共有{rng.randint(12, 98)}人参加。"
    )


def meeting_report(week: int, boilerplate_share: float, *, seed: int = 0) -> str:
    """A weekly meeting report; about ``boilerplate_share`` of it is shared sentences."""
    rng = random.Random(week * 1000 + seed)
    month, day = 1 + week // 5, 1 + (week * 7) % 28
    head = (
        f"{month}月{day}日，市委统战部召开第{week}周工作例会，"
        f"{rng.choice(_PEOPLE)}主持会议并讲话，部机关全体干部参加会议。"
    )
    boiler = "\n".join(BOILERPLATE)
    event_chars = len(boiler) * (1 - boilerplate_share) / boilerplate_share - len(head)
    events: list[str] = []
    while sum(map(len, events)) < event_chars:
        events.append(_event_sentence(rng))
    return "\n".join([head, *events, boiler])


def edit(text: str, rate: float, *, seed: int = 0) -> str:
    """The text with about ``rate`` of its Han characters replaced by other Han characters."""
    rng = random.Random(seed)
    chars = list(text)
    positions = [i for i, ch in enumerate(chars) if "\u4e00" <= ch <= "\u9fff"]
    for i in rng.sample(positions, max(1, round(rate * len(positions)))):
        chars[i] = chr(0x4E00 + rng.randrange(0x5000))
    return "".join(chars)
