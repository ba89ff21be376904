"""Templated but varied texts in English and Chinese whose sentiment follows the cause.

Each text is assembled from several slots (greeting, problem, detail, ask), so a cause yields
hundreds of distinct messages. ``{order}`` and ``{product}`` are filled per row. The cause is
recorded beside every generated text so that topic and sentiment models can be scored
against what was planted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Slots = tuple[tuple[str, ...], ...]

TICKET_CAUSES = ("late_delivery", "defect", "wrong_item", "billing", "order_status")
REVIEW_CAUSES = ("defect", "late_delivery", "praise_quality", "praise_delivery", "value", "mixed")
SURVEY_CAUSES = ("late_delivery", "defect", "satisfied", "neutral")

TICKET_SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "late_delivery": (
            "Where is my order {order}?",
            "Order {order} is late",
            "Still waiting for my delivery",
            "Delivery delayed again",
            "Package not arrived - {order}",
        ),
        "defect": (
            "{product} arrived broken",
            "Defective item in order {order}",
            "{product} stopped working",
            "Damaged product, need a replacement",
            "Faulty {product}",
        ),
        "wrong_item": (
            "Wrong item received",
            "This is not what I ordered ({order})",
            "Received someone else's order",
            "Wrong size/colour in {order}",
        ),
        "billing": (
            "Charged twice for {order}",
            "Question about my invoice",
            "Discount code not applied",
            "Refund not received yet",
            "Billing question",
        ),
        "order_status": (
            "Has order {order} shipped?",
            "Order status question",
            "Can I change my delivery address?",
            "Tracking number for {order}",
        ),
    },
    "zh": {
        "late_delivery": (
            "订单{order}怎么还没到？",
            "物流太慢了",
            "快递延误",
            "一直没收到货 - {order}",
            "发货太慢",
        ),
        "defect": (
            "{product}收到就是坏的",
            "订单{order}商品有质量问题",
            "{product}用了两天就坏了",
            "商品破损，要求换货",
        ),
        "wrong_item": ("发错货了", "收到的不是我买的东西（{order}）", "颜色/尺码发错了"),
        "billing": ("订单{order}重复扣款", "发票问题", "优惠码没有生效", "退款还没到账"),
        "order_status": (
            "订单{order}发货了吗？",
            "查询订单状态",
            "能修改收货地址吗？",
            "请提供{order}的快递单号",
        ),
    },
}

# Customer's first message: greeting, problem, detail, ask.
TICKET_OPENERS: dict[str, dict[str, Slots]] = {
    "en": {
        "late_delivery": (
            ("Hi,", "Hello,", "Hi there,", "Good morning,", ""),
            (
                "my order {order} still hasn't arrived.",
                "order {order} was supposed to be delivered days ago.",
                "I'm still waiting for order {order}.",
                "the delivery date for {order} has passed and nothing has come.",
            ),
            (
                "The tracking page hasn't updated in days.",
                "I needed it for a birthday and now it's too late.",
                "This is really frustrating.",
                "I paid for shipping and it's very slow.",
                "Nobody has told me anything about a delay.",
            ),
            (
                "Where is it?",
                "Please tell me when it will arrive.",
                "If it doesn't come this week I want a refund.",
                "Can you check with the courier?",
            ),
        ),
        "defect": (
            ("Hi,", "Hello,", "Hi team,", ""),
            (
                "the {product} I received is broken.",
                "my {product} stopped working after two days.",
                "the {product} arrived damaged.",
                "the {product} from order {order} is defective.",
            ),
            (
                "The box was fine but the item inside is cracked.",
                "It won't turn on at all.",
                "Very disappointed with the quality.",
                "This is poor quality for the price.",
                "I've attached photos.",
            ),
            (
                "I want a replacement.",
                "Please refund me.",
                "How do I return it?",
                "Please fix this as soon as possible.",
            ),
        ),
        "wrong_item": (
            ("Hi,", "Hello,", ""),
            (
                "I received the wrong item in order {order}.",
                "the parcel for {order} contains something I didn't order.",
                "you sent me the wrong size.",
            ),
            ("I ordered the {product}.", "The packing slip has someone else's name.", "This is annoying."),
            ("Please send the right one.", "How do I send it back?", "I'd like a refund."),
        ),
        "billing": (
            ("Hi,", "Hello,", "Good afternoon,", ""),
            (
                "I was charged twice for order {order}.",
                "my discount code was not applied to {order}.",
                "I haven't received my refund yet.",
                "I need an invoice for order {order}.",
            ),
            ("Could you check my account?", "My bank statement shows two payments.", "It's been a week."),
            ("Thanks.", "Please sort this out.", "Let me know what you need from me."),
        ),
        "order_status": (
            ("Hi,", "Hello,", "Hey,", ""),
            (
                "could you tell me if order {order} has shipped?",
                "I'd like the tracking number for {order}.",
                "can I still change the delivery address for {order}?",
            ),
            ("No rush.", "I'll be away next week.", "Just checking."),
            ("Thanks!", "Thank you.", "Thanks in advance."),
        ),
    },
    "zh": {
        "late_delivery": (
            ("你好，", "您好，", ""),
            (
                "我的订单{order}到现在还没收到。",
                "订单{order}早就应该到了。",
                "{order}已经超过预计送达时间了。",
            ),
            (
                "物流信息好几天没更新了。",
                "本来是买来送人的，现在来不及了。",
                "真的很失望。",
                "也没有人通知我延迟。",
            ),
            ("请尽快帮我查一下。", "什么时候能到？", "这周还不到我就要退款。"),
        ),
        "defect": (
            ("你好，", "您好，", ""),
            ("收到的{product}是坏的。", "{product}用了两天就坏了。", "订单{order}里的{product}有质量问题。"),
            (
                "外包装没问题，里面的东西裂了。",
                "完全开不了机。",
                "质量太差了。",
                "这个价格不应该是这种质量。",
            ),
            ("我要换货。", "请给我退款。", "怎么退货？", "请尽快处理。"),
        ),
        "wrong_item": (
            ("你好，", "您好，", ""),
            ("订单{order}发错货了。", "收到的东西不是我买的。", "尺码发错了。"),
            ("我买的是{product}。", "很不方便。"),
            ("请给我补发正确的商品。", "怎么寄回去？", "我要退款。"),
        ),
        "billing": (
            ("你好，", "您好，", ""),
            (
                "订单{order}被扣了两次款。",
                "优惠码没有用上。",
                "退款一直没到账。",
                "我需要订单{order}的发票。",
            ),
            ("请帮我查一下。", "银行账单显示两笔扣款。", "已经一周了。"),
            ("谢谢。", "麻烦处理一下。"),
        ),
        "order_status": (
            ("你好，", "您好，", ""),
            ("请问订单{order}发货了吗？", "能告诉我{order}的快递单号吗？", "{order}还能改收货地址吗？"),
            ("不着急。", "下周我不在家。"),
            ("谢谢！", "麻烦了。"),
        ),
    },
}

AGENT_REPLIES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "late_delivery": (
            "I'm sorry your order {order} is late. I've contacted the courier and it should arrive "
            "within two days.",
            "Apologies for the delay. The carrier had a backlog; I've upgraded your shipping at no cost.",
            "Sorry about this. I've opened an investigation with the courier and will update you tomorrow.",
        ),
        "defect": (
            "I'm sorry the {product} arrived faulty. I've arranged a free replacement.",
            "Apologies for the defective {product}. Here is a prepaid return label; the refund follows "
            "when it arrives.",
            "Sorry about that. We'll refund the {product} in full, no need to send it back.",
        ),
        "wrong_item": (
            "Sorry for the mix-up. The correct item ships today and a return label is attached.",
            "Apologies, our warehouse made a mistake. We've refunded you and sent the right item.",
        ),
        "billing": (
            "Thanks for flagging this. I've checked and refunded the duplicate charge.",
            "I've applied the discount and refunded the difference.",
            "Your invoice is attached to this message.",
        ),
        "order_status": (
            "Your order {order} shipped yesterday; the tracking link is in your email.",
            "I've updated the delivery address for {order}.",
            "Order {order} is being packed and will ship today.",
        ),
    },
    "zh": {
        "late_delivery": (
            "非常抱歉订单{order}延误了，已联系快递，预计两天内送达。",
            "抱歉让您久等，已为您免费升级配送。",
        ),
        "defect": (
            "很抱歉{product}有质量问题，已为您安排免费换货。",
            "抱歉给您带来不便，{product}全额退款，无需寄回。",
        ),
        "wrong_item": (
            "抱歉发错了，正确的商品今天发出，并附上退货单。",
            "仓库出错了，非常抱歉，已为您退款并补发。",
        ),
        "billing": ("已核实，重复扣款已退回。", "优惠已补上，差价已退回。", "发票已附在本消息中。"),
        "order_status": ("订单{order}昨天已发货，快递单号已发到您的邮箱。", "已为您修改{order}的收货地址。"),
    },
}

FOLLOW_UPS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "happy": ("Thank you, that was quick!", "Great, thanks for your help.", "Perfect, problem solved."),
        "angry": (
            "This is not good enough. I've waited long enough.",
            "Still nothing. I'm very disappointed and won't order again.",
            "This is the second time this has happened. Terrible service.",
        ),
    },
    "zh": {
        "happy": ("谢谢，处理得很快！", "好的，谢谢帮忙。", "问题解决了，谢谢。"),
        "angry": (
            "这样处理我不满意，等太久了。",
            "还是没有解决，很失望，不会再买了。",
            "第二次出这种问题了，服务太差。",
        ),
    },
}
AGENT_CLOSINGS = {
    "en": ("Glad we could help. Have a great day!", "You're welcome. I'll close this ticket now."),
    "zh": ("很高兴能帮到您，祝您生活愉快！", "不客气，此工单将关闭。"),
}

REVIEW_TITLES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "defect": ("Broke after a few days", "Arrived damaged", "Poor quality", "Defective, returned it"),
        "late_delivery": ("Took forever to arrive", "Good product, terrible delivery", "Late delivery"),
        "praise_quality": ("Excellent quality", "Love it!", "Exactly as described", "Great product"),
        "praise_delivery": ("Fast delivery, great item", "Arrived quickly", "Super quick shipping"),
        "value": ("Great value for money", "Worth every penny", "Good price"),
        "mixed": ("It's okay", "Decent but not great", "Expected a bit more"),
    },
    "zh": {
        "defect": ("用几天就坏了", "收到就破损", "质量差", "有质量问题，已退货"),
        "late_delivery": ("物流太慢", "东西不错，快递太差", "送货延迟"),
        "praise_quality": ("质量很好", "非常喜欢！", "和描述一致", "好评"),
        "praise_delivery": ("发货快，东西好", "到货很快", "物流神速"),
        "value": ("性价比高", "物超所值", "价格实惠"),
        "mixed": ("一般般", "还行，不算很好", "比预期差一点"),
    },
}
REVIEW_BODIES: dict[str, dict[str, Slots]] = {
    "en": {
        "defect": (
            ("The {product} stopped working after a week.", "The {product} arrived cracked.",
             "The {product} was faulty out of the box."),
            ("Really disappointed.", "Cheap materials.", "Had to send it back.", "Not worth the money."),
        ),
        "late_delivery": (
            ("The {product} itself is fine", "Nothing wrong with the {product}",
             "The {product} is okay"),
            ("but delivery took two weeks longer than promised.", "but it arrived far too late.",
             "but the shipping was painfully slow."),
        ),
        "praise_quality": (
            ("The {product} is excellent.", "Really happy with the {product}.",
             "The {product} feels solid and well made."),
            ("Would buy again.", "Highly recommend.", "Five stars.", "Exactly what I wanted."),
        ),
        "praise_delivery": (
            ("Arrived a day early", "Came very quickly", "Fast shipping"),
            ("and the {product} works great.", "and well packaged.", "and the {product} is lovely."),
        ),
        "value": (
            ("Great value for the price.", "Cheaper than elsewhere and just as good.",
             "Good quality for the money."),
            ("The {product} does the job.", "Happy with the {product}.", "Recommend."),
        ),
        "mixed": (
            ("The {product} is fine.", "The {product} is average.", "The {product} does the job."),
            ("Nothing special.", "A bit smaller than expected.", "Okay for the price."),
        ),
    },
    "zh": {
        "defect": (
            ("{product}用了一周就坏了。", "收到的{product}有裂痕。", "{product}一打开就是坏的。"),
            ("很失望。", "材料很廉价。", "已经退货了。", "不值这个价。"),
        ),
        "late_delivery": (
            ("{product}本身还行，", "{product}没什么问题，"),
            ("但是比承诺的晚了两周才到。", "就是物流太慢了。", "但是送得太晚了。"),
        ),
        "praise_quality": (
            ("{product}非常好。", "很满意这个{product}。", "{product}做工很扎实。"),
            ("会回购。", "强烈推荐。", "五星好评。", "正是我想要的。"),
        ),
        "praise_delivery": (
            ("提前一天就到了，", "到货很快，", "发货神速，"),
            ("{product}很好用。", "包装也很好。", "{product}很漂亮。"),
        ),
        "value": (
            ("这个价格很值。", "比别家便宜，质量一样好。", "性价比很高。"),
            ("{product}够用了。", "对{product}很满意。", "推荐。"),
        ),
        "mixed": (
            ("{product}还行。", "{product}一般。", "{product}能用。"),
            ("没什么特别的。", "比想象的小一点。", "这个价格也就这样。"),
        ),
    },
}  # fmt: skip

SURVEY_COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "late_delivery": (
            "Deliveries are always late.",
            "Shipping is far too slow.",
            "My last order arrived a week late.",
        ),
        "defect": ("The last thing I bought broke.", "Quality has gone down.", "Too many faulty products."),
        "satisfied": ("Great shop, fast delivery.", "Love the products.", "Always a good experience."),
        "neutral": ("It's fine.", "Prices could be better.", "Okay overall."),
    },
    "zh": {
        "late_delivery": ("送货总是延迟。", "物流太慢了。", "上次订单晚了一周才到。"),
        "defect": ("上次买的东西坏了。", "质量变差了。", "次品太多。"),
        "satisfied": ("很好的店，发货快。", "很喜欢这里的商品。", "购物体验一直很好。"),
        "neutral": ("还可以。", "价格可以再便宜点。", "总体还行。"),
    },
}


def pick(rng: np.random.Generator, options: Sequence[str], n: int) -> list[str]:
    """``n`` random choices from ``options`` (vectorised draw, then plain indexing)."""
    idx = rng.integers(0, len(options), size=n)
    return [options[i] for i in idx]


def compose(rng: np.random.Generator, slots: Slots, n: int, joiner: str) -> list[str]:
    """``n`` texts, each one option from every slot, joined (empty options are skipped)."""
    columns = [pick(rng, slot, n) for slot in slots]
    return [joiner.join(p for p in parts if p) for parts in zip(*columns, strict=True)]


def fill(templates: list[str], order: Sequence[str], product: Sequence[str]) -> list[str]:
    return [t.format(order=o, product=p) for t, o, p in zip(templates, order, product, strict=True)]
