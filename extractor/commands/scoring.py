"""Pure scoring of one output document against one gold annotation (GUIDELINES.md, "How the output is
scored"). Gold dict and PlanDocument dict in, counts and the items behind them out; nothing here reads
files, so tests can feed hand-made outputs.

Matching is one-to-one. With scipy it is an optimal assignment (the most pairs, then the highest total
similarity, then the most tie-breaker agreements); without scipy it is greedy by descending similarity.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from extractor.base import textsim
from extractor.base.normalize import fold
from models import flat_metadata, flat_metadata_fields

try:  # optional: an exact assignment; the greedy fallback is stated in every report
    from scipy.optimize import linear_sum_assignment
except ImportError:  # pragma: no cover - depends on the environment
    linear_sum_assignment = None

MATCHING = "optimal" if linear_sum_assignment is not None else "greedy"

SECTION_TITLE_MIN = 85.0
CITATION_ISSUER_MIN = 85.0
TASK_TEXT_MIN = 85.0
RECIPIENT_MIN = 85.0
METADATA_FUZZY_MIN = 90.0

# The metadata fields the guidelines score (names of `models.flat_metadata_fields`), with report labels.
SCORED_METADATA = {
    "doc_type": "type",
    "number": "number",
    "symbol": "symbol",
    "issuer": "issuer",
    "parent_issuer": "parent",
    "province": "province",
    "issued_date": "date",
    "plan_year": "year",
    "title": "title",
    "signer_title": "signer",
    "signer_name": "name",
}
METADATA_FIELDS = tuple(SCORED_METADATA)
assert set(METADATA_FIELDS) <= set(flat_metadata_fields()), "a scored field the contract does not have"
METADATA_FUZZY_FIELDS = frozenset({"issuer", "parent_issuer", "title"})
CITATION_FIELDS = ("doc_type", "date", "issuer")
TASK_TIME_FIELDS = ("quarters", "months", "deadlines")
TASK_UNIT_FIELDS = ("lead", "coordinating")
FAMILIES = ("sections", "citations", "tasks", "metadata", "recipients")


# --- counts -------------------------------------------------------------------------------------


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass
class PRF:
    """Match counts; precision/recall are None where undefined, F1 = 2TP / (2TP + FP + FN)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "gold": self.tp + self.fn,
            "output": self.tp + self.fp,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    def record(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    def add(self, other: Accuracy) -> None:
        self.correct += other.correct
        self.total += other.total

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.correct, self.total)

    def as_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "total": self.total, "accuracy": self.accuracy}


METADATA_OUTCOMES = ("right", "missing", "wrong", "spurious")


@dataclass
class ValueOutcomes:
    """How one metadata field came out: right (nulls on both sides included), missing (null where the
    gold has a value), wrong (a value other than the gold's) or spurious (a value where the gold has
    none). Wrong and spurious are counted apart from accuracy because a wrong value misleads a reader,
    where a null only leaves a gap."""

    right: int = 0
    missing: int = 0
    wrong: int = 0
    spurious: int = 0

    def record(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def add(self, other: ValueOutcomes) -> None:
        for name in METADATA_OUTCOMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def wrong_non_null(self) -> int:
        """Non-null values that are not the gold's: wrong plus spurious."""
        return self.wrong + self.spurious

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in METADATA_OUTCOMES} | {"wrong_non_null": self.wrong_non_null}


@dataclass
class FamilyScore:
    """One field family of one document (or summed over documents).

    `match`: the items matched one-to-one (None for metadata, which has no items); `fields`: accuracy of
    field values on the matched items; `units`: unit F1 on matched tasks; `outcomes`: how each metadata
    field was right, missing, wrong or spurious (metadata only); the lists say what was missed, extra or
    wrong (kept for --detail, not summed).
    """

    match: PRF | None = None
    fields: dict[str, Accuracy] = field(default_factory=dict)
    units: dict[str, PRF] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    wrong: list[dict[str, Any]] = field(default_factory=list)
    outcomes: dict[str, ValueOutcomes] = field(default_factory=dict)

    def add(self, other: FamilyScore) -> None:
        if other.match is not None:
            if self.match is None:
                self.match = PRF()
            self.match.add(other.match)
        for name, acc in other.fields.items():
            self.fields.setdefault(name, Accuracy()).add(acc)
        for name, prf in other.units.items():
            self.units.setdefault(name, PRF()).add(prf)
        for name, outcomes in other.outcomes.items():
            self.outcomes.setdefault(name, ValueOutcomes()).add(outcomes)

    def counts(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.match is not None:
            out.update(self.match.as_dict())
        out["fields"] = {name: acc.as_dict() for name, acc in self.fields.items()}
        if self.units:
            out["units"] = {name: prf.as_dict() for name, prf in self.units.items()}
        if self.outcomes:
            out["outcomes"] = {name: outcomes.as_dict() for name, outcomes in self.outcomes.items()}
        return out

    def detail(self) -> dict[str, Any]:
        return {"missed": self.missed, "extra": self.extra, "wrong": self.wrong}


def empty_scores() -> dict[str, FamilyScore]:
    """Zero counts for every family, with every field present (so summed groups have stable keys)."""
    return {
        "sections": FamilyScore(PRF(), {"level": Accuracy()}),
        "citations": FamilyScore(PRF(), {name: Accuracy() for name in CITATION_FIELDS}),
        "tasks": FamilyScore(
            PRF(),
            {name: Accuracy() for name in TASK_TIME_FIELDS},
            {name: PRF() for name in TASK_UNIT_FIELDS},
        ),
        "metadata": FamilyScore(
            None,
            {name: Accuracy() for name in METADATA_FIELDS},
            outcomes={name: ValueOutcomes() for name in METADATA_FIELDS},
        ),
        "recipients": FamilyScore(PRF()),
    }


# --- one-to-one matching ------------------------------------------------------------------------


def match_one_to_one(
    similarity: Sequence[Sequence[float]],
    threshold: float,
    eligible: Callable[[int, int], bool] | None = None,
    tie: Callable[[int, int], bool] | None = None,
    rank: Sequence[Sequence[float]] | None = None,
) -> list[tuple[int, int]]:
    """Pairs (gold index, output index) with similarity >= threshold, each item used at most once.

    Optimal (scipy): the most pairs, then the highest total similarity (to 0.01), then the most pairs
    on which `tie` holds; then, where two pairs could swap partners at no cost to those, the higher
    total of `rank`'s scores. Greedy fallback: by descending similarity, `tie` first among equals.
    """
    candidates = [
        (i, j, round(float(sim) * 100))
        for i, row in enumerate(similarity)
        for j, sim in enumerate(row)
        if sim >= threshold and (eligible is None or eligible(i, j))
    ]
    if not candidates:
        return []
    ties = {(i, j): int(tie(i, j)) if tie else 0 for i, j, _ in candidates}
    if linear_sum_assignment is None:  # pragma: no cover - depends on the environment
        taken_gold: set[int] = set()
        taken_out: set[int] = set()
        pairs = []
        for i, j, _ in sorted(candidates, key=lambda c: (-c[2], -ties[c[0], c[1]], c[0], c[1])):
            if i not in taken_gold and j not in taken_out:
                taken_gold.add(i)
                taken_out.add(j)
                pairs.append((i, j))
        return sorted(pairs)

    import numpy as np

    rows = len(similarity)
    cols = len(similarity[0])
    most = min(rows, cols)
    # Lexicographic weights in exact float integers: one more pair outweighs any similarity, 0.01 more
    # similarity outweighs any number of tie-breaker agreements.
    tie_weight = 1
    sim_weight = most + 1
    pair_weight = 10_000 * sim_weight * most + most + 1
    weights = np.zeros((rows, cols))
    for i, j, sim in candidates:
        weights[i, j] = pair_weight + sim * sim_weight + ties[i, j] * tie_weight
    gold_idx, out_idx = linear_sum_assignment(weights, maximize=True)
    pairs = [(int(i), int(j)) for i, j in zip(gold_idx, out_idx, strict=True) if weights[i, j] > 0]
    if rank is not None:
        _swap_to_closer(pairs, {(i, j): (sim, ties[i, j]) for i, j, sim in candidates}, rank)
    return sorted(pairs)


def _swap_to_closer(
    pairs: list[tuple[int, int]], cost: dict[tuple[int, int], tuple[int, int]], rank: Sequence[Sequence[float]]
) -> None:
    """Swap the partners of two pairs where that keeps their similarity and tie totals and raises their
    `rank` total: a text whose words all stand in a longer one scores 100 against it too, so the optimum
    leaves such pairs arbitrary ("Triển khai đầu tư ..." beside "Đôn đốc ... triển khai đầu tư ...")."""
    improved = True
    while improved:
        improved = False
        for a in range(len(pairs)):
            for b in range(a + 1, len(pairs)):
                (i, j), (k, m) = pairs[a], pairs[b]
                if (i, m) not in cost or (k, j) not in cost:
                    continue
                (sim_a, tie_a), (sim_b, tie_b) = cost[i, j], cost[k, m]
                (sim_c, tie_c), (sim_d, tie_d) = cost[i, m], cost[k, j]
                if sim_a + sim_b != sim_c + sim_d or tie_a + tie_b != tie_c + tie_d:
                    continue
                if rank[i][m] + rank[k][j] > rank[i][j] + rank[k][m] + 1e-9:
                    pairs[a], pairs[b] = (i, m), (k, j)
                    improved = True


def _similarity_matrix(gold: list[str], output: list[str], scorer: Callable[..., float]) -> list[list[float]]:
    """Scores of pre-folded strings; empty when either side is empty."""
    if not gold or not output:
        return [[0.0] * len(output) for _ in gold]
    return cdist(gold, output, scorer=scorer, workers=1).tolist()


def _prf_from_pairs(pairs: list[tuple[int, int]], n_gold: int, n_output: int) -> PRF:
    return PRF(tp=len(pairs), fp=n_output - len(pairs), fn=n_gold - len(pairs))


def _unmatched(items: list[Any], matched: set[int]) -> list[Any]:
    return [item for index, item in enumerate(items) if index not in matched]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


# --- sections -----------------------------------------------------------------------------------


def _section_label(section: dict[str, Any]) -> str:
    return f"{section.get('number') or ''} {section.get('title') or ''}".strip()


def score_sections(gold: list[dict[str, Any]], output: list[dict[str, Any]]) -> FamilyScore:
    """Same number without punctuation and titles >= 85% similar (ratio); then level accuracy."""
    gold_titles = [fold(s.get("title")) for s in gold]
    out_titles = [fold(s.get("title")) for s in output]
    gold_numbers = [textsim.section_number_key(s.get("number")) for s in gold]
    out_numbers = [textsim.section_number_key(s.get("number")) for s in output]
    pairs = match_one_to_one(
        _similarity_matrix(gold_titles, out_titles, fuzz.ratio),
        SECTION_TITLE_MIN,
        eligible=lambda i, j: gold_numbers[i] == out_numbers[j],
    )
    score = FamilyScore(_prf_from_pairs(pairs, len(gold), len(output)), {"level": Accuracy()})
    for i, j in pairs:
        ok = gold[i].get("level") == output[j].get("level")
        score.fields["level"].record(ok)
        if not ok:
            score.wrong.append(
                {
                    "item": _section_label(gold[i]),
                    "field": "level",
                    "gold": gold[i].get("level"),
                    "output": output[j].get("level"),
                }
            )
    score.missed = [_section_label(s) for s in _unmatched(gold, {i for i, _ in pairs})]
    score.extra = [_section_label(s) for s in _unmatched(output, {j for _, j in pairs})]
    return score


# --- citations ----------------------------------------------------------------------------------


def citation_key(citation: dict[str, Any]) -> tuple[Any, ...]:
    """The cited document: its code (spaces removed, upper case), else its type and year."""
    code = textsim.code_key(citation.get("code"))
    if code:
        return ("code", code)
    return ("type-year", fold(citation.get("doc_type")), citation.get("year"))


def _citation_label(key: tuple[Any, ...], citation: dict[str, Any]) -> str:
    if key[0] == "code":
        return f"{citation.get('doc_type') or ''} {citation.get('code')}".strip()
    return f"{citation.get('doc_type') or '?'} (no code) {citation.get('year') or 'no year'}"


def distinct_documents(citations: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Citations grouped into distinct cited documents, in order of first citation.

    Short references (`refers_to` set) are not new documents. A document's field values are the first
    non-null values among its citations, since a later mention often omits the date or the issuer.
    """
    documents: dict[tuple[Any, ...], dict[str, Any]] = {}
    for citation in citations:
        if citation.get("refers_to"):
            continue
        key = citation_key(citation)
        merged = documents.setdefault(key, dict(citation))
        for name, value in citation.items():
            if _blank(merged.get(name)) and not _blank(value):
                merged[name] = value
    return documents


def _same_citation_field(name: str, gold: Any, output: Any) -> bool:
    if _blank(gold) or _blank(output):
        return _blank(gold) and _blank(output)
    if name == "issuer":
        return textsim.ratio(gold, output) >= CITATION_ISSUER_MIN
    return fold(str(gold)) == fold(str(output))


def score_citations(gold: list[dict[str, Any]], output: list[dict[str, Any]]) -> FamilyScore:
    """Distinct documents matched on code (laws without code: type and year); then field accuracy."""
    gold_docs = distinct_documents(gold)
    out_docs = distinct_documents(output)
    matched = [key for key in gold_docs if key in out_docs]
    score = FamilyScore(
        PRF(tp=len(matched), fp=len(out_docs) - len(matched), fn=len(gold_docs) - len(matched)),
        {name: Accuracy() for name in CITATION_FIELDS},
    )
    for key in matched:
        for name in CITATION_FIELDS:
            gold_value, out_value = gold_docs[key].get(name), out_docs[key].get(name)
            ok = _same_citation_field(name, gold_value, out_value)
            score.fields[name].record(ok)
            if not ok:
                score.wrong.append(
                    {
                        "item": _citation_label(key, gold_docs[key]),
                        "field": name,
                        "gold": gold_value,
                        "output": out_value,
                    }
                )
    score.missed = [_citation_label(k, c) for k, c in gold_docs.items() if k not in out_docs]
    score.extra = [_citation_label(k, c) for k, c in out_docs.items() if k not in gold_docs]
    return score


# --- tasks --------------------------------------------------------------------------------------


def _task_view(task: dict[str, Any], from_output: bool) -> dict[str, Any]:
    """Gold tasks carry their times at top level, output tasks under `period`."""
    times = (task.get("period") or {}) if from_output else task
    return {
        "text": task.get("text") or "",
        **{name: list(times.get(name) or []) for name in TASK_TIME_FIELDS},
        **{name: list(task.get(name) or []) for name in TASK_UNIT_FIELDS},
    }


def is_scored_task(task: dict[str, Any]) -> bool:
    """Only tasks with a time or a responsible unit count, on both sides."""
    return any(task[name] for name in TASK_TIME_FIELDS + TASK_UNIT_FIELDS)


def _time_set(values: list[Any]) -> set[str]:
    return {str(value).strip() for value in values}


def score_tasks(gold: list[dict[str, Any]], output: list[dict[str, Any]]) -> FamilyScore:
    """Text token-set similarity >= 85% (quarter breaking ties); then time accuracy and unit F1."""
    gold_tasks = [t for t in (_task_view(t, False) for t in gold) if is_scored_task(t)]
    out_tasks = [t for t in (_task_view(t, True) for t in output) if is_scored_task(t)]
    gold_texts, out_texts = [fold(t["text"]) for t in gold_tasks], [fold(t["text"]) for t in out_tasks]
    pairs = match_one_to_one(
        _similarity_matrix(gold_texts, out_texts, fuzz.token_set_ratio),
        TASK_TEXT_MIN,
        tie=lambda i, j: _time_set(gold_tasks[i]["quarters"]) == _time_set(out_tasks[j]["quarters"]),
        rank=_similarity_matrix(gold_texts, out_texts, fuzz.ratio),  # of equal pairings, the closest texts
    )
    score = empty_scores()["tasks"]
    score.match = _prf_from_pairs(pairs, len(gold_tasks), len(out_tasks))
    for i, j in pairs:
        gold_task, out_task = gold_tasks[i], out_tasks[j]
        for name in TASK_TIME_FIELDS:
            ok = _time_set(gold_task[name]) == _time_set(out_task[name])
            score.fields[name].record(ok)
            if not ok:
                score.wrong.append(
                    {"item": gold_task["text"], "field": name, "gold": gold_task[name], "output": out_task[name]}
                )
        for name in TASK_UNIT_FIELDS:
            gold_pieces = textsim.unit_pieces(gold_task[name])
            out_pieces = textsim.unit_pieces(out_task[name])
            common = sum((gold_pieces & out_pieces).values())
            counts = PRF(tp=common, fp=sum(out_pieces.values()) - common, fn=sum(gold_pieces.values()) - common)
            score.units[name].add(counts)
            if counts.fp or counts.fn:
                score.wrong.append(
                    {"item": gold_task["text"], "field": name, "gold": gold_task[name], "output": out_task[name]}
                )
    score.missed = [t["text"] for t in _unmatched(gold_tasks, {i for i, _ in pairs})]
    score.extra = [t["text"] for t in _unmatched(out_tasks, {j for _, j in pairs})]
    return score


# --- metadata -----------------------------------------------------------------------------------


def output_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """The output's metadata in the gold's flat form (the signer from `metadata.signer`)."""
    flat = flat_metadata(metadata)
    return {name: flat[name] for name in METADATA_FIELDS}


def same_metadata_value(name: str, gold: Any, output: Any) -> bool:
    """Exact after folding; issuer, parent_issuer and title need token-sorted similarity >= 90%."""
    if _blank(gold) or _blank(output):
        return _blank(gold) and _blank(output)
    if name in METADATA_FUZZY_FIELDS:
        return textsim.token_sort(str(gold), str(output)) >= METADATA_FUZZY_MIN
    return fold(str(gold)) == fold(str(output))


def metadata_outcome(name: str, gold: Any, output: Any) -> str:
    """One of METADATA_OUTCOMES for one field's value."""
    if same_metadata_value(name, gold, output):
        return "right"
    if _blank(output):
        return "missing"
    return "spurious" if _blank(gold) else "wrong"


def score_metadata(gold: dict[str, Any], output: dict[str, Any]) -> FamilyScore:
    flat = output_metadata(output)
    score = empty_scores()["metadata"]
    for name in METADATA_FIELDS:
        outcome = metadata_outcome(name, gold.get(name), flat[name])
        score.fields[name].record(outcome == "right")
        score.outcomes[name].record(outcome)
        if outcome != "right":
            score.wrong.append(
                {"item": "metadata", "field": name, "gold": gold.get(name), "output": flat[name], "kind": outcome}
            )
    return score


# --- recipients ---------------------------------------------------------------------------------


def score_recipients(gold: list[str], output: list[str]) -> FamilyScore:
    """One-to-one, >= 85% similar (ratio), notes in brackets ignored."""
    gold_keys = [fold(textsim.without_brackets(r)) for r in gold]
    out_keys = [fold(textsim.without_brackets(r)) for r in output]
    gold_items = [(r, k) for r, k in zip(gold, gold_keys, strict=True) if k]
    out_items = [(r, k) for r, k in zip(output, out_keys, strict=True) if k]
    pairs = match_one_to_one(
        _similarity_matrix([k for _, k in gold_items], [k for _, k in out_items], fuzz.ratio), RECIPIENT_MIN
    )
    score = FamilyScore(_prf_from_pairs(pairs, len(gold_items), len(out_items)))
    score.missed = [r for r, _ in _unmatched(gold_items, {i for i, _ in pairs})]
    score.extra = [r for r, _ in _unmatched(out_items, {j for _, j in pairs})]
    return score


# --- one document -------------------------------------------------------------------------------


def score_document(gold: dict[str, Any], output: dict[str, Any]) -> dict[str, FamilyScore]:
    """Every family of one document: `gold` a *.gold.json dict, `output` a PlanDocument dict.

    A family whose key is absent from the gold file (a partial annotation, e.g. without tasks) is not
    scored for that document: it adds zero counts. An empty list is an annotation: "there are none".
    """
    scorers = {
        "sections": lambda: score_sections(gold.get("sections") or [], output.get("sections") or []),
        "citations": lambda: score_citations(gold.get("citations") or [], output.get("citations") or []),
        "tasks": lambda: score_tasks(gold.get("tasks") or [], output.get("tasks") or []),
        "metadata": lambda: score_metadata(gold.get("metadata") or {}, output.get("metadata") or {}),
        "recipients": lambda: score_recipients(gold.get("recipients") or [], output.get("recipients") or []),
    }
    empty = empty_scores()
    return {family: scorer() if family in gold else empty[family] for family, scorer in scorers.items()}


def sum_scores(documents: list[dict[str, FamilyScore]]) -> dict[str, FamilyScore]:
    """Micro-averaged totals: counts summed over documents."""
    total = empty_scores()
    for scores in documents:
        for family, score in scores.items():
            total[family].add(score)
    return total
