"""trim_clutter: web-page text around a plan goes, the plan (and its appendix) stays."""

from __future__ import annotations

import json

from extractor.base.blocks import Block
from extractor.readers.text import blocks_from_text
from extractor.stages.trim import trim_clutter
from tests.conftest import CORPUS, GOLD

# A plan as pasted from a provincial portal: breadcrumb menu, visitor counter, weather and a poll
# around it (none of these phrases occur in the seeds).
PORTAL_PLAN = """\
Trang chủ | Giới thiệu | Tin tức - Sự kiện | Văn bản chỉ đạo điều hành
Lượt xem: 1.254
Thời tiết Pleiku 24°C
Cập nhật lúc 09:15 ngày 12/02/2024
ỦY BAN NHÂN DÂN
HUYỆN CHƯ PĂH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 57/KH-UBND
Chư Păh, ngày 08 tháng 02 năm 2024
KẾ HOẠCH
Tổ chức Tết trồng cây năm 2024
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Phát động sâu rộng phong trào trồng cây trong toàn huyện.
II. TỔ CHỨC THỰC HIỆN
Phòng Tài nguyên và Môi trường chủ trì, phối hợp với các xã, thị trấn tổ chức thực hiện./.
Nơi nhận:
- Sở Nông nghiệp và PTNT;
- TT Huyện ủy;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Rơ Châm Ngơn
Bản quyền thuộc Cổng thông tin điện tử huyện Chư Păh
Bình chọn: Bạn thấy giao diện mới thế nào?
Rất đẹp
Bình thường
Đang online: 31 | Tổng truy cập: 2.031.447
"""


def _texts(blocks: list[Block]) -> list[str]:
    return [b.line for b in blocks]


def test_portal_menus_and_counters_around_a_plan_are_dropped():
    kept = _texts(trim_clutter(blocks_from_text(PORTAL_PLAN)))
    assert kept[0] == "ỦY BAN NHÂN DÂN"
    assert kept[-1] == "Rơ Châm Ngơn"
    assert "Nơi nhận:" in kept and "- Lưu: VT." in kept
    assert not any("truy cập" in line or "Bình chọn" in line or "Trang chủ" in line for line in kept)


def test_appendix_after_the_signature_is_kept():
    text = PORTAL_PLAN.split("Bản quyền")[0] + (
        "PHỤ LỤC\nDANH MỤC CÂY TRỒNG\n(Kèm theo Kế hoạch số 57/KH-UBND ngày 08/02/2024 của UBND huyện)\n"
        "STT\tLoại cây\tSố lượng\n1\tSao đen\t500\n"
    )
    kept = _texts(trim_clutter(blocks_from_text(text)))
    assert kept[-1] == "1\tSao đen\t500"
    assert "PHỤ LỤC" in kept


def test_text_without_any_plan_structure_is_left_alone():
    blocks = blocks_from_text("Ghi chú cuộc họp\nThảo luận về ngân sách\nKết luận: thống nhất.\n")
    assert trim_clutter(blocks) == blocks


def test_long_text_after_a_false_closing_is_not_dropped():
    # A long paragraph after the signature is document text, not page furniture: keep everything.
    long_paragraph = " ".join(["Nội dung tiếp theo của văn bản được trình bày chi tiết"] * 6) + "."
    text = "KẾ HOẠCH\nTổ chức hội nghị\nNơi nhận:\n- Như trên;\nGIÁM ĐỐC\nLê Văn Tám\n" + long_paragraph
    blocks = blocks_from_text(text)
    assert trim_clutter(blocks) == blocks


def test_side_by_side_header_regions_in_either_order_start_the_plan():
    blocks = [
        Block(kind="paragraph", text="Chia sẻ bài viết"),
        Block(kind="paragraph", text="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", region="header-right"),
        Block(kind="paragraph", text="Độc lập - Tự do - Hạnh phúc", region="header-right"),
        Block(kind="paragraph", text="SỞ Y TẾ", region="header-left"),
        Block(kind="paragraph", text="Số: 12/KH-SYT", region="header-left"),
        Block(kind="paragraph", text="KẾ HOẠCH"),
        Block(kind="paragraph", text="Phòng, chống dịch bệnh mùa hè năm 2023"),
    ]
    kept = trim_clutter(blocks)
    assert kept[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert len(kept) == len(blocks) - 1


def _seed_blocks(stem: str) -> list[Block]:
    from extractor.base.limits import DEFAULT_LIMITS
    from extractor.readers.text import read

    return read(CORPUS / f"{stem}.txt", DEFAULT_LIMITS).blocks


def test_seed_000_portal_page_ends_at_the_signature():
    gold = json.loads((GOLD / "000_b6e2a91fbbaf595e.gold.json").read_text(encoding="utf-8"))
    kept = _texts(trim_clutter(_seed_blocks("000_b6e2a91fbbaf595e")))
    assert kept[-1].strip() == gold["metadata"]["signer_title"]
    assert kept[0].startswith("KẾ HOẠCH")
    # The plan itself is intact: every heading of the gold is still there.
    for section in gold["sections"]:
        assert any(section["title"] in line for line in kept), section


def test_seed_003_counter_before_the_header_is_dropped():
    gold = json.loads((GOLD / "003_01b55a5d3fb9d28a.gold.json").read_text(encoding="utf-8"))
    kept = _texts(trim_clutter(_seed_blocks("003_01b55a5d3fb9d28a")))
    assert kept[0].startswith("UBND")
    assert kept[-1].strip() == gold["metadata"]["signer_name"]


def test_ocr_header_with_stamp_is_kept_and_clutter_before_it_goes():
    text = """\
Trang chủ | Văn bản
Lượt xem: 88
SỞ TƯ PHÁP
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 3Ø /KH-STP
UBND HUYỆN BẮC MÊ
KÉ HOẠCH
Phổ biến pháp luật năm 2024
I. MỤC ĐÍCH
Nâng cao hiểu biết pháp luật.
"""
    blocks = blocks_from_text(text)
    for block in blocks:
        block.ocr = True
    kept = trim_clutter(blocks)
    assert kept[0].text == "SỞ TƯ PHÁP"
    assert any(b.text == "KÉ HOẠCH" for b in kept)
