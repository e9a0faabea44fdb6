"""The vocabulary of ``bot.nlu.entities``: how numbers are written, the word
lists its patterns and rules look for, and ``LEXICON``, the words the
tokenizer merges into single tokens.
"""

from __future__ import annotations

from bot.concepts import identifiers
from bot.nlu import times

# --- numbers ---------------------------------------------------------------

CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUMERAL_CHARS = CN_DIGITS + "十百千万亿"
AR_NUMBER = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?"
# A Chinese amount starts with a digit or 十 – so 千万 ("by all means") and
# 万一 ("in case") are not numbers.
CN_NUMBER = rf"[{CN_DIGITS}十][{CN_NUMERAL_CHARS}]*"
MAGNITUDE_NUMBER = rf"{AR_NUMBER}(?:[kKwW]|[十百千万亿]+)|(?=[^百千万亿]*[百千万亿]){CN_NUMBER}"

# --- words -----------------------------------------------------------------


def _wordlist(words: str) -> list[str]:
    """Word lists are written as space-separated strings to keep them compact."""
    return words.split()


PLATE_SEPARATORS = list(identifiers.PLATE_SEPARATORS)

MONEY_UNITS = _wordlist("元 块 块钱 钱 圆 人民币")
MONEY_PREFIXES = _wordlist("¥ ￥ rmb")
# Words after which a bare Arabic number is money ("损失2000", "车损是1500").
MONEY_CUES = _wordlist(
    "损失 车损 大概 大约 约 估计 差不多 金额 费用 修理费 维修费 修车费 花了 花费 赔 赔偿 "
    "报价 估价 定损 价格 一共 总共"
)
CUE_FILLERS = _wordlist(
    "是 有 为 了 在 要 能 会 得 : 大概 大约 约 估计 差不多 可能 应该 就 也 才 一共 总共"
)
APPROXIMATELY = _wordlist("左右 上下 多 来")
NON_MONEY_UNITS = set(
    _wordlist(
        "点 点钟 时 分 分钟 秒 小时 钟头 天 日 号 月 年 周 岁 个 次 位 人 辆 台 张 部 公里 米 "
        "楼 层 % km kg 号线 路"
    )
)
PIECES = "块"  # 两块玻璃: with 块 alone, small numbers count pieces
# A limit, not a loss: "超过三千", "三千以内".
LIMIT_BEFORE = set(_wordlist("超过 超出 大于 小于 低于 高于 不到 不超过 少于 多于"))
LIMIT_AFTER = set(_wordlist("以内 之内 以下 之下 以上 内 封顶"))
VAGUE = "几"  # 几十万
NOT_MONEY_AFTER = NON_MONEY_UNITS | LIMIT_AFTER
# A clause naming a cover talks about its limits ("三者险100万够吗").
COVER_WORDS = _wordlist(
    "交强险 三者险 三者 车损险 商业险 第三者责任险 划痕险 车身划痕损失险 车上人员责任险 "
    "保额 限额 最高"
)

OTHER_PARTY = _wordlist(
    "对方 对面 别人 人家 前车 后车 他 她 他们 她们 他的 她的 对方的 对方车 三者车 三者的车 第三者"
)
OWN_PARTY = _wordlist("我的 我车 我的车 我这边 我这 我方 自己 本车 自家 本人")
OWN_PRONOUNS = _wordlist("我 我们")
CLAUSE_ENDS = set(",.;!?。、；！？\n")

PHONE_CUES = _wordlist(
    "尾号 尾数 后四位 后4位 末四位 末4位 最后四位 最后4位 后面四位 手机 手机号 手机号码 电话 "
    "电话号码 号码 联系电话"
)

# A place phrase ends in one of these; most need a name before them.
PLACE_HEADS = _wordlist(
    "路 街 巷 弄 桥 环 站 村 镇 县 市 区 大道 大街 公路 马路 国道 省道 高速 高速公路 "
    "高架 高架桥 立交 立交桥 大桥 隧道 环线 环路 环岛 辅路 主路 匝道 路段 路边 路口 "
    "十字路口 丁字路口 交叉口 出口 入口 广场 商场 市场 超市 机场 车站 火车站 地铁站 "
    "加油站 收费站 服务区 开发区 停车场 地下停车场 停车库 车库 地库 地下车库 小区 "
    "大厦 医院 学校 公园 门口 楼下 附近 旁边 方向"
)
PLACE_INTRODUCERS = _wordlist("在 于 到 位于")
PLACE_CUES = _wordlist("地点 地址 位置 地方")
PLACE_CUE_LINKS = _wordlist("是 在 为 改成 改为 换成 应该是 :")
# Around a place that fills its clause: "是延安西路", "在人民路上".
PLACE_LEADS = _wordlist("是 不是 就是 应该是 改成 改为 换成")
PLACE_TRAILS = _wordlist("上 里 这边 那边 这里 那里 吧 啊 呀 呢 嘛")
# Words with 在/于 inside that introduce no place ("现在", "关于").
NOT_INTRODUCERS = _wordlist(
    "现在 正在 存在 实在 好在 在于 所在 在乎 自在 在线 关于 对于 由于 属于 等于 终于 至于 用于 基于"
)
# Words that never sit inside a place name, so a name stops before them.
NOT_IN_PLACE_NAMES = set(
    PLACE_INTRODUCERS
    + PLACE_CUES
    + PLACE_LEADS
    + NOT_INTRODUCERS
    + OWN_PRONOUNS
    + _wordlist(
        "你 您 他 她 它 他们 她们 咱 咱们 这 那 哪 谁 啥 什么 怎么 多少 "
        "了 着 过 吗 呢 吧 啊 呀 哦 嘛 的 得 "
        "被 把 让 给 跟 从 往 朝 离 比 为 因为 所以 但是 然后 后来 时 时候 之后 "
        "撞 追 蹭 刮 剐 碰 擦 停 开 倒 变 转 拐 掉 等 走 跑 看 打 说 讲 问 找 去 来 回 堵 "
        "修 报 要 想 能 会 可以 请 帮 叫 发生 出事 上班 下班 回家 放学 出门 "
        "个 条 辆 只 台 部 次 位 座 不 没 也 都 就 还 又 再 才 很 太 刚"
    )
)

# Lexicon words become single tokens. Besides the pattern vocabulary it lists
# words that would otherwise be misread: 其他 (not 他).
LEXICON = sorted(
    {
        *times.LEXICON,
        *MONEY_UNITS,
        *MONEY_CUES,
        *CUE_FILLERS,
        *APPROXIMATELY,
        *NON_MONEY_UNITS,
        *LIMIT_BEFORE,
        *LIMIT_AFTER,
        *COVER_WORDS,
        *OTHER_PARTY,
        *OWN_PARTY,
        *OWN_PRONOUNS,
        *PHONE_CUES,
        *PLACE_HEADS,
        *PLACE_INTRODUCERS,
        *NOT_IN_PLACE_NAMES,
        *PLACE_CUE_LINKS,
        *PLACE_TRAILS,
        "其他",
        "其它",
    }
)
