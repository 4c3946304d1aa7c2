"""The HTML reader: main content only, lines kept apart, layout tables as regions, charsets, depth limit."""

from __future__ import annotations

import subprocess

import pytest

from extractor.base.blocks import assemble
from extractor.base.errors import LimitExceeded
from extractor.base.limits import Limits
from extractor.readers import read
from tests.conftest import CORPUS, need_program

PAGE = """<!DOCTYPE html><html><head><meta charset="{charset}"><title>Cổng TTĐT huyện</title></head><body>
<nav><ul><li><a href="/">Trang chủ</a></li><li><a href="/gt">Giới thiệu</a></li><li><a href="/tt">Tin tức</a></li>
<li><a href="/vb">Văn bản chỉ đạo điều hành</a></li><li><a href="/lh">Liên hệ</a></li></ul></nav>
<aside><h4>Lượt xem</h4><p>Hôm nay: 1.024</p><p>Tổng: 9.876.543</p>
<form><p>Bạn thấy giao diện mới thế nào?</p><input type=radio> Đẹp <input type=radio> Bình thường</form></aside>
<div id="content"><article>
<table border="0"><tr><td><p><b>UBND HUYỆN ĐIỆN BIÊN<br>PHÒNG NỘI VỤ<br>Số: 15/KH-PNV</b></p></td>
<td><p><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>Độc lập - Tự do - Hạnh phúc<br>Điện Biên, ngày 02 tháng 3 năm 2023</b></p></td></tr></table>
<p align="center"><strong>KẾ HOẠCH</strong></p><p align="center"><strong>Tuyên truyền cải cách hành chính năm 2023</strong></p>
<p>Căn cứ Quyết định số 120/QĐ-UBND ngày 10/01/2023 của UBND huyện về kế hoạch cải cách hành chính năm 2023, Phòng Nội vụ
xây dựng kế hoạch tuyên truyền như sau:</p>
<h3>I. MỤC ĐÍCH, YÊU CẦU</h3><p>Nâng cao nhận thức của cán bộ, công chức về cải cách hành chính trên địa bàn huyện.</p>
<h3>II. NỘI DUNG</h3>
<table border="1"><tr><th>STT</th><th>Nội dung</th><th>Thời gian</th><th>Đơn vị thực hiện</th></tr>
<tr><td>1</td><td>Đăng tin trên Cổng thông tin điện tử huyện</td><td>Hằng tháng</td><td>Phòng Văn hóa và Thông tin</td></tr>
<tr><td colspan="2">Tổ chức hội thi tìm hiểu cải cách hành chính</td><td>Quý III</td><td>Phòng Nội vụ</td></tr></table>
<table border="0"><tr><td><p>Nơi nhận:<br>- UBND huyện;<br>- Lưu: VT.</p></td>
<td><p><b>TRƯỞNG PHÒNG<br>Lò Văn Minh</b></p></td></tr></table>
</article></div>
<footer><p>Bản quyền thuộc Cổng thông tin điện tử huyện. Địa chỉ: tổ dân phố 5. Điện thoại: 0215 123 456.</p></footer>
</body></html>"""


def write_page(tmp_path, charset: str = "utf-8"):
    path = tmp_path / "plan.html"
    data = PAGE.format(charset=charset).encode("utf-8")
    if charset != "utf-8":  # legacy bytes made by glibc iconv, not by our code
        data = subprocess.run(["iconv", "-f", "UTF-8", "-t", charset.upper()], input=data, capture_output=True,
                              check=True).stdout
    path.write_bytes(data)
    return path


def test_main_content_only_with_lines_kept_apart(tmp_path):
    result = read(write_page(tmp_path))
    text = assemble(result.blocks).text
    for clutter in ("Trang chủ", "Lượt xem", "Bạn thấy giao diện", "Bản quyền"):
        assert clutter not in text
    lines = text.split("\n")
    assert lines[:3] == ["UBND HUYỆN ĐIỆN BIÊN", "PHÒNG NỘI VỤ", "Số: 15/KH-PNV"]
    assert "I. MỤC ĐÍCH, YÊU CẦU" in lines and "Lò Văn Minh" in lines


def test_layout_tables_become_regions_and_data_tables_rows(tmp_path):
    blocks = read(write_page(tmp_path)).blocks
    regions = {b.region for b in blocks if b.region}
    assert regions == {"header-left", "header-right", "footer-left", "footer-right"}
    rows = [b.cells for b in blocks if b.kind == "row"]
    assert rows[0] == ["STT", "Nội dung", "Thời gian", "Đơn vị thực hiện"]
    # a colspan keeps the columns on the grid
    assert rows[2] == ["Tổ chức hội thi tìm hiểu cải cách hành chính", "", "Quý III", "Phòng Nội vụ"]


def test_declared_legacy_charset(tmp_path):
    need_program("iconv")
    result = read(write_page(tmp_path, charset="windows-1258"))
    assert result.encoding == "windows-1258"
    assert "Tuyên truyền cải cách hành chính năm 2023" in assemble(result.blocks).text


def test_depth_limit_is_a_clear_error(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<div>" * 5000 + "x" + "</div>" * 5000, encoding="utf-8")
    with pytest.raises(LimitExceeded, match="nested more than"):
        read(path, Limits(html_depth=2000))


def test_corpus_page_gives_the_plan():
    text = assemble(read(CORPUS / "html" / "003_01b55a5d3fb9d28a.html").blocks).text
    assert text.startswith("UBNDTỈNH BẮC NINH\nHỘI ĐỒNG TĐKT TỈNH\nSố: 41/KH-HĐTĐKT")
    assert text.rstrip().endswith("Nguyễn Tử Quỳnh")


def test_source_line_wrapping_inside_a_paragraph_is_not_a_line_break(tmp_path):
    path = tmp_path / "wrapped.html"
    path.write_text("<html><body><article><p>KẾ HOẠCH</p><h3>I. MỤC ĐÍCH,\n   YÊU CẦU</h3>"
                    "<p>Nâng cao nhận thức của cán bộ,\n công chức về cải cách hành chính.</p></article></body></html>",
                    encoding="utf-8")
    lines = assemble(read(path).blocks).text.split("\n")
    assert "I. MỤC ĐÍCH, YÊU CẦU" in lines
    assert "Nâng cao nhận thức của cán bộ, công chức về cải cách hành chính." in lines
