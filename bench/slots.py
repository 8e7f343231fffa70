"""CPU per message of slot extraction, on a mix of customer messages where most give no slot.

Understanding runs on every message, so this is the figure that matters: the whole of
understanding should stay well under 1 ms per message, slots about 0.3 ms or less. Prints the
mean and 99th percentile CPU of ``SlotExtractor.extract`` per message, the share of messages that
reach the address parser, and the cost of each part.

    python bench/slots.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_config  # noqa: E402
from bot.understanding.divisions import CpcaDivisions  # noqa: E402
from bot.understanding.phones import find_phone  # noqa: E402
from bot.understanding.places import Division  # noqa: E402
from bot.understanding.slots import SlotExtractor  # noqa: E402

NO_SLOTS = [
    "你好",
    "您好，我要投诉",
    "我要投诉",
    "人工",
    "转人工",
    "我要人工客服,你们的宽带三天没网了,没人管",
    "叫你们领导出来",
    "我要找你们经理",
    "我的投诉怎么样了?",
    "你们营业时间是几点?",
    "谢谢",
    "好的",
    "是的",
    "对",
    "不是",
    "没有了",
    "谢谢您们的帮忙",
    "氣死我了",
    "I am not happy with your service",
    "hello",
    "yes",
    "no thanks",
    "我家楼上漏水，物业一直不管",
    "你们的服务太差了，我要投诉到消协",
    "上次投诉到现在还没修",
    "花盆把车砸了，谁负责？",
    "秒杀的东西一直不发货",
    "快递员态度太差了，还骂人",
    "话费莫名其妙多扣了50块",
    "宽带又断了，这个月第三次了",
    "电梯坏了一个星期了没人修",
    "小区门口的垃圾好几天没人清理",
    "我们小区的路灯坏了",
    "这个小区的物业费太贵了",
    "去超市买的东西过期了",
    "市场上的菜价太贵了",
    "你们的客服一直不接电话",
    "我已经等了两个小时了",
    "你们到底管不管",
    "我要求赔偿",
    "再不解决我就找媒体曝光",
    "我要打12345投诉你们",
    "态度太恶劣了",
    "师傅说明天来修，结果没来",
    "为什么又要我重复一遍",
    "你们能不能快一点",
    "我是老用户了，太失望了",
    "我是业主",
    "我是你们的客户",
    "算了，不说了",
    "明天上午有人在家",
    "下午三点以后都可以",
    "请尽快处理，谢谢",
    "水费账单不对，比上个月多了一倍",
    "燃气味道很大，是不是漏气了",
    "暖气一点都不热",
    "网速特别慢，看视频一直卡",
    "手机信号很差，打电话听不清",
    "营业厅的工作人员说不归他们管",
    "我想问一下怎么开通宽带",
    "流量怎么用得这么快",
    "没有不满意，就是想问问进度",
    "不是投诉，是建议你们改进一下",
    "我不想留电话",
    "这件事你们必须给我一个说法",
    "已经投诉过三次了",
    "你们的APP老是闪退",
    "账单明细在哪里看",
    "充值没到账",
    "退款什么时候到",
]
WITH_SLOTS = [
    "我叫王芳，电话13912345678，海淀区中关村大街的自来水有异味三天了",
    "我刚才说了，海淀区中关村大街",
    "13912345678",
    "１３８００１３８０００",
    "+86 139 1234 5678",
    "座机010-12345678",
    "电话是0755 1234 5678",
    "我姓李",
    "免贵姓刘",
    "我是张先生",
    "王女士",
    "my name is John Smith",
    "我叫欧阳娜娜，手机13800138000",
    "我住在朝阳区望京西园三区5号楼",
    "上海市浦東新區張江路100號停電兩天了",
    "我家在万柳书院3号楼，电梯坏了一个星期",
    "地址是朝阳区建国路88号",
    "广州市天河区体育西路103号的快递一直没送到",
    "天通苑东三区天天停电",
    "我叫李强，住在海淀区双榆树东里12号楼",
    "浙江省杭州市余杭区文一西路969号的网点关门了",
]
MIX = NO_SLOTS * 3 + WITH_SLOTS
"""About nine messages in ten give no slot, as in a conversation's turns."""


class CountingDivisions:
    def __init__(self, inner: CpcaDivisions) -> None:
        self.inner = inner
        self.calls = 0

    def find(self, text: str) -> list[Division]:
        self.calls += 1
        return list(self.inner.find(text))


def cpu_each(call: Callable[[str], object], texts: list[str], repeat: int) -> list[float]:
    for text in texts:
        call(text)
    costs = []
    for text in texts:
        started = time.process_time_ns()
        for _ in range(repeat):
            call(text)
        costs.append((time.process_time_ns() - started) / repeat / 1e6)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    config = load_config(ROOT / "config")
    started = time.perf_counter()
    divisions = CountingDivisions(CpcaDivisions())
    extractor = SlotExtractor.from_config(config, divisions)
    built = time.perf_counter() - started
    with_slots = sum(any(extractor.extract(text).as_dict().values()) for text in MIX)
    divisions.calls = 0
    for text in MIX:
        extractor.extract(text)
    parser_share = divisions.calls / len(MIX)

    costs = cpu_each(extractor.extract, MIX, args.repeat)
    import opencc

    simplify = opencc.OpenCC("t2s").convert
    folded = [unicodedata.normalize("NFKC", text) for text in MIX]
    simplified = [simplify(text) for text in folded]
    parts = {
        "NFKC + t2s": cpu_each(lambda text: simplify(unicodedata.normalize("NFKC", text)), MIX, args.repeat),
        "phone": cpu_each(find_phone, folded, args.repeat),
        "names": cpu_each(extractor._names.find, simplified, args.repeat),
        "places": cpu_each(extractor._places.find, simplified, args.repeat),
    }
    print(f"{len(MIX)} messages, {with_slots} with a slot; {parser_share:.1%} reach the address parser")
    print(f"extractor built in {built * 1000:.0f} ms (patterns compiled, cpca, pandas and OpenCC loaded)")
    print()
    print(f"{'':<14}{'mean ms':>9}{'p99 ms':>9}{'max ms':>9}")
    rows = {"extract": costs, **parts}
    for name, values in rows.items():
        p99 = statistics.quantiles(values, n=100)[98]
        print(f"{name:<14}{statistics.fmean(values):>9.4f}{p99:>9.4f}{max(values):>9.4f}")
    no_slot = costs[: len(NO_SLOTS) * 3]
    print()
    print(
        f"messages with no slot: mean {statistics.fmean(no_slot):.4f} ms; "
        f"with a slot: mean {statistics.fmean(costs[len(NO_SLOTS) * 3 :]):.4f} ms"
    )


if __name__ == "__main__":
    main()
