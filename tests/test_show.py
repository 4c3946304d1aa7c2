"""The HTML view: self-contained, escaped, with a Content-Security-Policy, and it renders in a browser."""

from __future__ import annotations

import re
import subprocess

from extractor.commands.audit import check_document, load_registry
from extractor.commands.show import json_for_html, render_page
from models import Citation, Metadata, PlanDocument, Source
from tests.conftest import need_program

HOSTILE = 'Kế hoạch </script><script>alert(1)</script> & <img src=x onerror=alert(2)> "quoted"'


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


def test_page_escapes_all_document_text():
    doc = hostile_doc()
    page = render_page(doc, check_document(doc, load_registry()))
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    # The only script element is the JSON data block, and nothing inside it can close it.
    assert len(re.findall(r"<script\b", page)) == 1
    data = page.split('id="vnplan-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "impossible-date" in page  # the audit finding is shown beside the text
    assert 'title="doc_type: Chỉ thị; code: 01/CT-UBND' in page  # normalized fields on hover


def test_json_for_html_round_trips():
    import json

    value = {"t": "</script><!--&"}
    assert json.loads(json_for_html(value)) == value


def test_page_renders_in_headless_chromium(tmp_path):
    chromium = need_program("chromium")
    doc = hostile_doc()
    page_path = tmp_path / "show.html"
    page_path.write_text(render_page(doc, []), encoding="utf-8")
    shot = tmp_path / "show.png"
    out = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,900",
         page_path.as_uri()],
        capture_output=True, timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 5000, out.stderr.decode(errors="replace")[-500:]


def test_ids_from_a_hand_edited_json_cannot_inject_markup():
    doc = hostile_doc()
    doc.citations[0].id = 'c1"><img src=x onerror=alert(3)>'
    page = render_page(doc, [])
    assert "<img src=x" not in page
