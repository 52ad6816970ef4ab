"""Widgets for learning: self-check questions with instant feedback, and saved reflections.

Both save to the :class:`~compass_widgets.store.LearnerStore`, so a learner who
closes the notebook finds their answers there when they come back.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

import ipywidgets as w
import traitlets as t

from ..store import LearnerStore
from ._keyboard import KeyboardAid

Option = tuple[str, bool, str]


class SelfCheck(w.VBox):
    """A multiple-choice question that explains why each answer is right or wrong.

    Parameters
    ----------
    module : str
        The module the question belongs to, such as ``"02"``; answers are saved under it.
    key : str
        A short name for the question, unique in the module, such as ``"check-1"``.
    question : str
        The question, in plain text.
    options : sequence of (answer, is_correct, feedback)
        Each possible answer, whether it is right, and the explanation shown when chosen.
    store : LearnerStore, optional
        Where to save; by default the learner's own store.

    Examples
    --------
    >>> import tempfile
    >>> check = SelfCheck("02", "q1", "Is a chasing call failure demand?",
    ...                   [("Yes", True, "It exists because something was not done."),
    ...                    ("No", False, "Ask why the person had to call again.")],
    ...                   store=LearnerStore(tempfile.mkdtemp()))
    >>> check.answer = "Yes"
    >>> check.check()
    True
    >>> check.feedback.value  # doctest: +ELLIPSIS
    '<p><strong>Correct.</strong> It exists because something was not done.</p>'
    """

    answer = t.Unicode(None, allow_none=True, help="The answer currently chosen, or None.")
    correct = t.Bool(None, allow_none=True, help="Whether the last checked answer was right.")

    def __init__(
        self,
        module: str,
        key: str,
        question: str,
        options: Sequence[Option],
        store: LearnerStore | None = None,
    ) -> None:
        if not any(ok for _, ok, _ in options):
            raise ValueError(f"self-check {key!r} needs at least one correct option")
        self.module, self.key = module, key
        self.store = store or LearnerStore()
        self._options = {answer: (ok, feedback) for answer, ok, feedback in options}
        self.question = w.HTML(f"<p><strong>{html.escape(question)}</strong></p>")
        self.choice = w.RadioButtons(
            options=list(self._options), value=None, description="Your answer",
            style={"description_width": "initial"}, layout=w.Layout(width="auto"),
        )
        self.button = w.Button(description="Check answer", tooltip="Check your answer",
                                button_style="primary")
        self.feedback = w.HTML(layout=w.Layout(min_height="1.5em"))
        # Gives the answers their arrow keys back from JupyterLab (see _keyboard.py).
        super().__init__([self.question, self.choice, self.button, self.feedback,
                          KeyboardAid()])
        self.add_class("compass-selfcheck")
        t.link((self.choice, "value"), (self, "answer"))
        self.button.on_click(lambda _: self.check())
        saved = self.store.load(module, f"check:{key}")
        if saved and saved.get("answer") in self._options:
            self.answer = saved["answer"]
            self.check(save=False)

    def __repr__(self) -> str:
        return f"SelfCheck({self.module!r}, {self.key!r})"

    @t.validate("answer")
    def _valid_answer(self, proposal: t.Bunch) -> str | None:
        value = proposal["value"]
        if value is not None and value not in self._options:
            raise t.TraitError(f"{value!r} is not one of the answers: {', '.join(self._options)}")
        return value  # type: ignore[no-any-return]

    @t.observe("answer")
    def _on_change_answer(self, change: t.Bunch) -> None:
        self.correct = None
        self.feedback.value = ""

    def check(self, save: bool = True) -> bool | None:
        """Show feedback on the chosen answer, save it, and return whether it is right."""
        if self.answer is None:
            self.feedback.value = "<p>Choose an answer first, then check it.</p>"
            return None
        ok, why = self._options[self.answer]
        verdict = "Correct." if ok else "Not quite."
        self.feedback.value = f"<p><strong>{verdict}</strong> {html.escape(why)}</p>"
        self.correct = ok
        if save:
            saved = {"answer": self.answer, "correct": ok}
            self.store.save(self.module, f"check:{self.key}", saved)
        return ok


class Reflection(w.VBox):
    """A reflection prompt whose answer is saved as you write and shown again next time.

    The text is saved when the box loses focus and when you press *Save*; the
    line under the box says when it was last saved.

    Parameters
    ----------
    module, key : str
        Where the answer is saved, as for :class:`SelfCheck`.
    prompt : str
        The question to reflect on.
    store : LearnerStore, optional
        Where to save; by default the learner's own store.

    Examples
    --------
    >>> import tempfile
    >>> store = LearnerStore(tempfile.mkdtemp())
    >>> Reflection("02", "r1", "Where would you start?", store=store).text = "With repairs."
    >>> Reflection("02", "r1", "Where would you start?", store=store).text
    'With repairs.'
    """

    text = t.Unicode("", help="What the learner has written.")

    def __init__(
        self, module: str, key: str, prompt: str, store: LearnerStore | None = None
    ) -> None:
        self.module, self.key = module, key
        self.store = store or LearnerStore()
        self.prompt = w.HTML(f"<p><strong>{html.escape(prompt)}</strong></p>")
        self.box = w.Textarea(
            placeholder="Write your reflection here. It is saved when you click away.",
            description="Reflection", continuous_update=False,
            layout=w.Layout(width="95%", height="8em"), style={"description_width": "initial"},
        )
        self.button = w.Button(description="Save", tooltip="Save your reflection")
        self.status = w.HTML()
        super().__init__([self.prompt, self.box, self.button, self.status])
        self.add_class("compass-reflection")
        saved = self.store.load(module, f"reflection:{key}", "")
        self._restoring = True  # showing the saved text again is not a new save
        self.text = saved
        self._restoring = False
        if saved:
            when = self.store.saved_at(module, f"reflection:{key}")
            self.status.value = f"<p>Your saved reflection (saved {_local(when)}).</p>"
        t.link((self, "text"), (self.box, "value"))
        self.button.on_click(lambda _: self.save())

    def __repr__(self) -> str:
        return f"Reflection({self.module!r}, {self.key!r})"

    @t.observe("text")
    def _on_change_text(self, change: t.Bunch) -> None:
        if not getattr(self, "_restoring", False) and change["old"] != change["new"]:
            self.save()

    def save(self) -> None:
        """Save the text now and say when."""
        self.store.save(self.module, f"reflection:{self.key}", self.text)
        self.status.value = f"<p>Saved at {dt.datetime.now():%H:%M:%S}.</p>"


def _local(iso: str | None) -> str:
    if not iso:
        return "earlier"
    when = dt.datetime.fromisoformat(iso).astimezone()
    return f"{when:%d %B %Y at %H:%M}"
