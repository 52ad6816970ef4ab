"""Charts of a trauma-informed process audit, each with a sentence that says the same thing.

Every builder takes a :class:`~compass_widgets.models.process_audit.TraumaInformedAudit`
and returns a new chart with a title and a ``description`` that screen readers
announce; the matching ``summarise_*`` function returns that description as plain
text. Scores are printed in every cell and bar, and steps at risk or the weakest
principle are named in the labels, so colour never carries meaning alone.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import altair as alt
import pandas as pd

from ..models.process_audit import (
    MAX_SCORE,
    PRINCIPLE_LABELS,
    SCORE_MEANINGS,
    TraumaInformedAudit,
)

WIDTH = 420
AT_RISK = " (at risk)"
WEAKEST = " (weakest)"


def _one(number: float) -> str:
    """Return a number to one decimal place, rounding halves up as people expect (2.25 -> 2.3).

    Examples
    --------
    >>> _one(2.25), _one(0.9166), _one(3)
    ('2.3', '0.9', '3.0')
    """
    return str(Decimal(repr(float(number))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def step_label(audit: TraumaInformedAudit, step: str) -> str:
    """Return a step's label on the charts: its number and name, marked if at risk.

    Examples
    --------
    >>> from compass_widgets.data.process_steps import load_process_steps
    >>> audit = TraumaInformedAudit(load_process_steps())
    >>> step_label(audit, "Telling your story")
    '4. Telling your story (at risk)'
    """
    number = audit.details(step)["step"]
    marker = AT_RISK if step in audit.at_risk_steps() else ""
    return f"{number}. {step}{marker}"


def summarise_audit(audit: TraumaInformedAudit) -> str:
    """Describe the whole process's score and the steps at risk, in one or two sentences.

    Examples
    --------
    >>> from compass_widgets.data.process_steps import load_process_steps
    >>> print(summarise_audit(TraumaInformedAudit(load_process_steps())))  # doctest: +ELLIPSIS
    The 12 steps score 1.3 out of 3 on average (43% of the best possible). 6 steps are at risk ...
    """
    steps = len(audit.step_names)
    text = (f"The {steps} steps score" if steps > 1 else "The only step scores")
    text += (f" {_one(audit.summary_score())} out of {MAX_SCORE} on average "
             f"({audit.summary_share():.0%} of the best possible).")
    risky = audit.at_risk_steps()
    if not risky:
        return f"{text} No step is at risk of re-traumatising people under the course's rule."
    if len(risky) == 1:
        return f"{text} 1 step is at risk of re-traumatising people: {risky[0]}."
    return f"{text} {len(risky)} steps are at risk of re-traumatising people: {_and(risky)}."


#: Cell colours, light enough for black numbers on every one (ColorBrewer RdBu, readable
#: with colour-blindness): red for "not at all" through to blue for "fully".
CELL_COLOURS = ("#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf")


def audit_heatmap(audit: TraumaInformedAudit) -> alt.LayerChart:
    """Heat table of every step against every principle, with the score printed in each cell.

    Steps at risk of re-traumatising are marked "(at risk)" in their label, and the
    weakest principle "(weakest)".

    Examples
    --------
    >>> from compass_widgets.data.process_steps import load_process_steps
    >>> chart = audit_heatmap(TraumaInformedAudit(load_process_steps()))
    >>> chart.to_dict()["title"]["text"]
    'Trauma-informed audit, step by step'
    """
    scores = audit.scores()
    weakest = audit.weakest_principle()
    risky = set(audit.at_risk_steps())
    columns = {p: label + (WEAKEST if p == weakest else "") for p, label in
               PRINCIPLE_LABELS.items()}
    rows = [f"{audit.details(str(step))['step']}. {step}{AT_RISK if step in risky else ''}"
            for step in scores.index]
    meanings = [f"{score}: {meaning}" for score, meaning in SCORE_MEANINGS.items()]
    cells = pd.DataFrame([
        {"step": row, "principle": columns[str(p)], "score": int(score),
         "meaning": meanings[int(score)]}
        for row, (_, step_scores) in zip(rows, scores.iterrows(), strict=True)
        for p, score in step_scores.items()
    ])
    encoding = {
        "x": alt.X("principle:N", title=None, sort=list(columns.values()),
                   axis=alt.Axis(orient="top", labelAngle=-30, labelLimit=200)),
        "y": alt.Y("step:N", title=None, sort=rows, axis=alt.Axis(labelLimit=320)),
        "tooltip": [alt.Tooltip("step:N", title="Step"),
                    alt.Tooltip("principle:N", title="Principle"),
                    alt.Tooltip("meaning:N", title="Score")],
    }
    # One LayerChart holding the data, with layers that hold none, is several times
    # quicker to build than alt.layer() of two charts with data: widgets redraw it live.
    return alt.LayerChart(
        data=cells,
        layer=[
            alt.Chart().mark_rect(stroke="white", strokeWidth=1).encode(
                color=alt.Color("meaning:N", title="Score",
                                scale=alt.Scale(domain=meanings, range=list(CELL_COLOURS))),
                **encoding),
            alt.Chart().mark_text(fontSize=14, fontWeight="bold", color="black").encode(
                text=alt.Text("score:Q", format="d"), **encoding),
        ],
        title=alt.TitleParams(
            "Trauma-informed audit, step by step",
            subtitle="Score in each cell: 0 not at all, 1 a little, 2 mostly, 3 fully",
        ),
        description=summarise_audit(audit),
        width=alt.Step(62),
        height=alt.Step(28),
    )


def summarise_principles(audit: TraumaInformedAudit) -> str:
    """Describe the weakest and strongest principles across the process.

    Examples
    --------
    >>> from compass_widgets.data.process_steps import load_process_steps
    >>> print(summarise_principles(TraumaInformedAudit(load_process_steps())))
    The weakest principle is Empowerment, at 0.9 out of 3 on average, with 8 of 12 steps scoring 1 or less. The strongest is Safety, at 1.4.
    """  # noqa: E501
    table = audit.principle_averages().to_dict("index")
    weakest = table[audit.weakest_principle()]
    # The strongest: the highest average, a tie going to the principle listed first.
    strongest = max(table.values(), key=lambda row: row["average"])
    steps = len(audit.step_names)
    text = (f"The weakest principle is {weakest['label']}, at {_one(weakest['average'])} out "
            f"of {MAX_SCORE} on average, with {weakest['low_steps']} of {steps} step"
            f"{'s' if steps > 1 else ''} scoring {audit.low_score} or less.")
    if strongest["average"] == weakest["average"]:
        return f"{text} Every principle has the same average."
    return f"{text} The strongest is {strongest['label']}, at {_one(strongest['average'])}."


def principle_chart(audit: TraumaInformedAudit) -> alt.LayerChart:
    """Horizontal bars of each principle's average score over all steps, labelled in text.

    Examples
    --------
    >>> from compass_widgets.data.process_steps import load_process_steps
    >>> chart = principle_chart(TraumaInformedAudit(load_process_steps()))
    >>> chart.to_dict()["title"]["text"]
    'The six principles across the process'
    """
    table = audit.principle_averages()
    weakest = audit.weakest_principle()
    bars = pd.DataFrame({
        "principle": [label + (WEAKEST if p == weakest else "")
                      for p, label in table["label"].items()],
        "average": table["average"].to_numpy(),
        "average_label": [f"{_one(a)} of {MAX_SCORE}" for a in table["average"]],
        "low_steps": table["low_steps"].to_numpy(),
    })
    encoding = {
        "y": alt.Y("principle:N", title=None, sort=list(bars["principle"]),
                   axis=alt.Axis(labelLimit=240)),
        "x": alt.X("average:Q", title="Average score over all steps (0 to 3)",
                   scale=alt.Scale(domain=[0, MAX_SCORE]), axis=alt.Axis(tickCount=3)),
        "tooltip": [alt.Tooltip("principle:N", title="Principle"),
                    alt.Tooltip("average_label:N", title="Average"),
                    alt.Tooltip("low_steps:Q", title=f"Steps scoring {audit.low_score} or less")],
    }
    return alt.LayerChart(
        data=bars,
        layer=[
            alt.Chart().mark_bar(color="#2c6e91").encode(**encoding),
            alt.Chart().mark_text(align="left", dx=4, fontSize=12).encode(
                text=alt.Text("average_label:N"), **encoding),
        ],
        title=alt.TitleParams("The six principles across the process",
                              subtitle="Average score of all steps; 3 is fully met"),
        description=summarise_principles(audit),
        width=WIDTH,
        height=alt.Step(28),
    )
