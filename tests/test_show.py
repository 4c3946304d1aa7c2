"""The auditor's page (`vnplan show`): verbatim text by offsets, tables, task cards, grouped citations with
their findings, page images; escaped, with a Content-Security-Policy; checked in headless Chromium."""

from __future__ import annotations

import base64
import io
import json
import os
import re
import select
import subprocess
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from extractor.commands.audit import check_document, load_registry
from extractor.commands.show import group_citations, json_for_html, render_page
from extractor.commands.show_images import page_images
from extractor.pipeline import extract
from models import Citation, Mention, Metadata, PlanDocument, Source, Task, Unit
from tests.conftest import CORPUS, REAL, need, need_program

HOSTILE = 'Kế hoạch </script><script>alert(1)</script> & <img src=x onerror=alert(2)> "quoted"'
PDF_WITH_TABLE = CORPUS / "pdf" / "001_e90ebdcfd4b0b768.pdf"


def hostile_doc() -> PlanDocument:
    text = f"{HOSTILE}\nCăn cứ Chỉ thị số 01/CT-UBND ngày 31/02/2020 của UBND tỉnh."
    start = text.index("Chỉ thị")
    end = text.index(" của")
    return PlanDocument(
        pipeline_version="test",
        id="1" * 16,
        source=Source(path="x.txt", format="txt", sha256="1" * 64),
        text=text,
        metadata=Metadata(title=HOSTILE, issued_date="2021-01-01"),
        citations=[
            Citation(id="c1", text=text[start:end], start=start, end=end, doc_type="Chỉ thị", code="01/CT-UBND",
                     issuer='UBND "<b>"')
        ],
    )


@cache
def extracted(path: Path) -> PlanDocument:
    return extract(path)


class TagBalance(HTMLParser):
    """Fails on a closing tag that does not close the innermost open element."""

    VOID = {"meta", "img", "br", "hr", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):  # noqa: ANN001
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()


def text_pieces(page: str) -> list[str]:
    """Text of each paragraph line and table cell of the page's text section, in order."""
    from lxml import html as lxml_html

    root = lxml_html.fromstring(page)
    return [el.text_content() for el in root.xpath('//section[@id="text"]//*[contains(@class,"ln") or self::td]')]


def expected_pieces(text: str) -> list[str]:
    pieces: list[str] = []
    for line in text.split("\n"):
        if "\t" in line:
            pieces.extend(line.split("\t"))
        elif line.strip():
            pieces.append(line)
    return pieces


# ---------------------------------------------------------------------------------------------- escaping


def test_page_escapes_all_document_text():
    doc = hostile_doc()
    page = render_page(doc, check_document(doc, load_registry()))
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    # The only script element is the JSON data block, and nothing inside it can close it.
    assert len(re.findall(r"<script\b", page)) == 1
    data = page.split('id="vnplan-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data
    assert json.loads(data)["citations"][0]["code"] == "01/CT-UBND"
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "impossible-date" in page  # the audit finding is shown beside the citation
    assert 'title="doc_type: Chỉ thị; code: 01/CT-UBND' in page  # normalized fields on hover


def test_json_for_html_round_trips():
    value = {"t": "</script><!--&"}
    assert json.loads(json_for_html(value)) == value


def test_ids_from_a_hand_edited_json_cannot_inject_markup():
    doc = hostile_doc()
    doc.citations[0].id = 'c1"><img src=x onerror=alert(3)>'
    page = render_page(doc, [])
    assert "<img src=x" not in page


# ---------------------------------------------------------------------------------------------- text


def test_overlapping_spans_nest_and_keep_the_text_verbatim():
    text = "Căn cứ Quyết định số 12/QĐ-UBND ngày 5/3/2021 của UBND tỉnh Lâm Đồng, giao Sở Nội vụ thực hiện"
    cite = (text.index("Quyết"), text.index(", giao"))
    unit = (text.index("UBND tỉnh"), len("Căn cứ Quyết định số 12/QĐ-UBND ngày 5/3/2021 của UBND tỉnh Lâm Đồng"))
    task = (text.index("ngày"), len(text))  # starts inside the citation and runs past its end
    doc = PlanDocument(
        pipeline_version="t", id="2" * 16, source=Source(path="y.txt", format="txt", sha256="2" * 64), text=text,
        citations=[Citation(id="c1", text=text[cite[0]:cite[1]], start=cite[0], end=cite[1], code="12/QĐ-UBND")],
        units=[Unit(name="UBND tỉnh Lâm Đồng", canonical="Ủy ban nhân dân tỉnh Lâm Đồng", key="k",
                    kind="peoples_committee", mentions=[Mention(text="UBND tỉnh Lâm Đồng", start=unit[0], end=unit[1])])],
        tasks=[Task(id="t1", text=text[task[0]:], origin="paragraph", start=task[0], end=task[1])],
    )
    page = render_page(doc, [])
    TagBalance().feed(page)
    assert text_pieces(page) == [text]
    assert page.count('id="task-1"') == 1  # a span split in pieces keeps its id on the first


def test_text_is_verbatim_and_tables_are_tables_on_the_corpus():
    for path in sorted(CORPUS.glob("*.txt")):
        doc = extracted(path)
        page = render_page(doc, [])
        TagBalance().feed(page)
        assert text_pieces(page) == expected_pieces(doc.text), path.name
    doc = extracted(CORPUS / "001_e90ebdcfd4b0b768.txt")
    page = render_page(doc, [])
    rows = [line.split("\t") for line in doc.text.split("\n") if "\t" in line]
    assert page.count("<tr>") == len(rows) and '<table class="doc">' in page
    # The re-tokenizing renderer wrote "18 / 01 / 2021"; the page keeps the text as written.
    assert "18/01/2021" in page and "18 / 01" not in page


def test_every_task_has_a_card_with_its_period_and_units():
    doc = extracted(CORPUS / "001_e90ebdcfd4b0b768.txt")
    page = render_page(doc, [])
    assert page.count('<article class="card"') == len(doc.tasks)
    first = page.split('id="card-1"', 1)[1].split("</article>", 1)[0]
    task = doc.tasks[0]
    assert task.lead and all(f'<span class="chip lead">{unit}</span>' in first for unit in task.lead)
    assert all(f'<span class="chip coord">{unit}</span>' in first for unit in task.coordinating)
    assert task.period.quarters and f"Q{task.period.quarters[0]}" in first


def test_mentions_of_one_document_are_one_entry():
    doc = extracted(CORPUS / "003_01b55a5d3fb9d28a.txt")
    groups, other = group_citations(doc, [])
    assert not other
    assert len(groups) < len(doc.citations)
    codes = [g.label for g in groups]
    assert len(codes) == len(set(codes))
    twice = [g for g in groups if sum(len(w.mentions) for w in g.wordings) > 1]
    assert twice and all(doc.citations[0].code is not None for _ in twice)
    page = render_page(doc, [])
    for group in groups:  # every mention in the text links to its document's entry
        for wording in group.wordings:
            for mention in wording.mentions:
                assert re.search(rf'id="{mention.anchor}"[^>]*href="#{group.anchor}"', page)


def test_findings_sit_beside_their_document():
    doc = hostile_doc()
    findings = check_document(doc, load_registry())
    groups, other = group_citations(doc, findings)
    assert [f.rule for f in groups[0].findings] == ["impossible-date"] and not other


# ---------------------------------------------------------------------------------------------- images


def test_page_images_of_a_scan_and_of_a_text_pdf():
    import pypdfium2 as pdfium
    from PIL import Image

    for path in (CORPUS / "scan" / "004_733c3bcffdaa3c3d.pdf", PDF_WITH_TABLE):
        images = page_images(path, "pdf")
        assert sorted(images) == list(range(1, len(pdfium.PdfDocument(str(path))) + 1))
        data = base64.b64decode(images[1].removeprefix("data:image/jpeg;base64,"))
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "JPEG" and 700 < image.width < 900  # about 100 dpi for A4
        assert len(data) < 250_000


def test_show_command_with_and_without_images(tmp_path):
    from extractor.cli import main

    json_path = tmp_path / "plan.json"
    doc = extracted(PDF_WITH_TABLE)
    json_path.write_text(doc.model_dump_json(), encoding="utf-8")
    out = tmp_path / "with.html"
    assert main(["show", str(json_path), "--html", str(out), "--source", str(PDF_WITH_TABLE)]) == 0
    assert out.read_text(encoding="utf-8").count('<img src="data:image/jpeg;base64,') == doc.source.pages
    bare = tmp_path / "without.html"
    assert main(["show", str(json_path), "--html", str(bare), "--no-images"]) == 0
    page = bare.read_text(encoding="utf-8")
    assert "<img" not in page and "page images left out (--no-images)" in page
    other = tmp_path / "other.html"
    assert main(["show", str(json_path), "--html", str(other), "--source", str(CORPUS / "pdf" / "000_b6e2a91fbbaf595e.pdf")]) == 0
    assert "is not the file this JSON was extracted from" in other.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------- browser


class Browser:
    """Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe): no port,
    no extra package. Only what these tests need: open a page, evaluate an expression, take a screenshot."""

    def __init__(self, chromium: str, profile: Path, width: int = 1400, height: int = 1000) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def child_fds() -> None:  # the browser reads commands on fd 3 and answers on fd 4
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--remote-debugging-pipe",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=child_fds, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next = 0
        self.size = (width, height)
        self.session: str | None = None

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next += 1
        message: dict = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                ready, _, _ = select.select([self._from_browser], [], [], 120)
                chunk = os.read(self._from_browser, 1 << 20) if ready else b""
                assert chunk, f"no answer from chromium to {method}"
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self._next:
                assert "error" not in answer, answer
                return answer["result"]

    def open(self, url: str) -> None:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        width, height = self.size
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, self.session)
        self.call("Page.enable", {}, self.session)
        self.call("Page.navigate", {"url": url}, self.session)
        # Wait for the load (no time is measured: the page either loads or the pipe read above times out).
        while self.eval("document.readyState") != "complete":
            select.select([], [], [], 0.2)

    def eval(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, self.session)
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", {"format": "png"}, self.session)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.call("Browser.close")
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            os.close(self._to_browser)
            os.close(self._from_browser)


@pytest.fixture
def browser(tmp_path):
    chromium = need_program("chromium")
    b = Browser(chromium, tmp_path / "profile")
    yield b
    b.close()


VISIBLE = "(el => !!el && el.checkVisibility() && el.getBoundingClientRect().width > 0)"


def visible_with_text(selector: str, text: str) -> str:
    """JS: is some element matching `selector` whose innerText is exactly `text` visible once scrolled to?"""
    return (f"(() => {{ const el = [...document.querySelectorAll({json.dumps(selector)})]"
            f".find(e => e.innerText.trim() === {json.dumps(text)}); if (!el) return false;"
            f" el.scrollIntoView({{block: 'center'}}); return {VISIBLE}(el); }})()")


def test_page_in_headless_chromium_shows_table_cards_images_and_a_sticky_citation_list(browser, tmp_path):
    doc = extracted(PDF_WITH_TABLE)
    page = tmp_path / "show.html"
    page.write_text(render_page(doc, check_document(doc, load_registry()), page_images(PDF_WITH_TABLE, "pdf")),
                    encoding="utf-8")
    browser.open(page.as_uri())
    # A table cell of the document's own table, drawn in an HTML table.
    header = next(line for line in doc.text.split("\n") if "\t" in line).split("\t")
    assert "Nội dung công việc" in header
    assert browser.eval(visible_with_text("#text table.doc td", "Nội dung công việc"))
    # A citation, verbatim, as a link in the text.
    assert browser.eval(visible_with_text(
        "#text a.citation", "Chỉ thị số 01/CT-UBND ngày 18/01/2021 của Ủy ban nhân dân tỉnh Cao Bằng"))
    # The first task's card shows its lead unit, coordinating units and quarter.
    assert doc.tasks[0].lead == ["Văn phòng Sở"]
    assert browser.eval(visible_with_text("#card-1 .lead .chip", "Văn phòng Sở"))
    assert browser.eval(visible_with_text("#card-1 .period .chip", "Q1"))
    for unit in doc.tasks[0].coordinating:
        assert browser.eval(visible_with_text("#card-1 .coordinating .chip", unit))
    # Each PDF page's image, decoded, beside its text.
    assert browser.eval("[...document.querySelectorAll('.page figure img')]"
                        ".filter(i => i.complete && i.naturalWidth > 500).length") == doc.source.pages
    # The side list stays in view while the text scrolls.
    browser.eval("window.scrollTo(0, document.body.scrollHeight / 2)")
    assert browser.eval("window.scrollY") > 1000
    assert browser.eval("(() => { const r = document.querySelector('aside.side').getBoundingClientRect();"
                        " return r.top === 0 && r.bottom <= window.innerHeight + 1; })()")
    # Following a citation's link brings its entry in the side list into view.
    browser.eval("document.querySelector('#text a.citation').click()")
    assert browser.eval("(() => { const t = document.querySelector(location.hash);"
                        " const r = t.getBoundingClientRect(); return t.classList.contains('group')"
                        " && r.top >= 0 && r.top < window.innerHeight; })()")


def test_real_plan_in_headless_chromium_quotes_its_citations_verbatim(browser, tmp_path):
    source = REAL / "lamdong-kh-cchc-2026.docx"
    need(source.is_file(), f"{source} is not present")
    doc = extracted(source)
    page = tmp_path / "real.html"
    page.write_text(render_page(doc, check_document(doc, load_registry())), encoding="utf-8")
    browser.open(page.as_uri())
    quote = "Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ"
    assert browser.eval(visible_with_text("#text a.citation", quote))
    assert browser.eval(visible_with_text("aside .group q", quote))
    assert browser.eval("document.querySelector('#text').innerText.includes('Lâm Đồng, ngày')")
    # One entry per cited document, however often it is cited.
    labels = browser.eval("[...document.querySelectorAll('aside .group .head')].map(e => e.innerText)")
    assert isinstance(labels, list) and len(labels) == len(set(labels)) < len(doc.citations)
