"""The immune response: how a system's governance squeezes, or protects, a relational pilot.

Most public systems run on vertical accountability, target compliance, auditability
and organisational risk management. Together they can act like an *immune response*:
judgement, local discretion and community action get treated as threats, and a pilot
that depends on them is closed, or absorbed back into standard processes.

:class:`ImmuneResponseModel` is a small, documented, discrete-time model of one such
pilot over (by default) 24 months. It is an **illustrative teaching model, not a
calibrated forecast**: its numbers are invented to make the argument visible, not
measured in any real system. It shows that whether relational work survives is decided
by the *conditions* around it (governance, measurement, risk and authority), and that
accountability as such is not the enemy: a pilot can live with a fair amount of audit
when authority is delegated and the system will carry some risk.

The full model note, with the equations, units, ranges and assumptions, is
``compass_widgets/data/immune-response-model.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, NamedTuple

import pandas as pd

#: The four settings of the system, in the order the course presents them.
SETTINGS = ("audit_intensity", "target_rigidity", "risk_appetite", "delegated_authority")

#: How each setting is named in sentences and on controls.
SETTING_LABELS = {
    "audit_intensity": "audit intensity",
    "target_rigidity": "target rigidity",
    "risk_appetite": "risk appetite",
    "delegated_authority": "delegated authority",
}

#: The direction that helps the pilot: +1 if raising the setting helps, -1 if lowering it does.
HELPS = {"audit_intensity": -1, "target_rigidity": -1, "risk_appetite": 1,
         "delegated_authority": 1}

#: How far each setting is moved to see which matters most.
NUDGE = 0.1

#: The step in which :meth:`ImmuneResponseModel.leverage` looks for a value that saves the pilot.
SEARCH_STEP = 0.05

# -- fixed coefficients of the model (illustrative assumptions, all per month) ----------
ROOM_RATE = 0.25          # k_R: share of the gap to its target that room closes in a month
EVIDENCE_RATE = 0.12      # g: evidence gained in a month of full room, before losses
EVIDENCE_FADE = 0.03      # f: share of legitimacy that fades each month (people move on)
PRESSURE_RATE = 0.2       # k_A: share of the gap to its target that pressure closes in a month
AUDIT_WEIGHT = 0.4        # w: how much each of audit, targets and risk aversion
TARGET_WEIGHT = 0.4       #    can lower the system's tolerance of discretion
APPETITE_WEIGHT = 0.4
SHIELD = 0.6              # how much full legitimacy shields the pilot from pressure
ROOM_FLOOR = 0.35         # room the pilot's sponsors can protect with no delegated authority
AUTHORITY_ROOM = 0.3      # room added by fully delegated authority
EVIDENCE_ROOM = 0.4       # room added by full legitimacy
TARGET_BLINDNESS = 0.5    # share of the pilot's evidence rigid targets fail to see
AUDIT_BURDEN = 0.4        # share of the pilot's time full audit spends on reporting
INCIDENT_SIZE = 0.6       # the largest jump in pressure a serious incident can cause
INCIDENT_AUTHORITY = 0.5  # how much delegated authority keeps an incident local
AUDIT_ASSURANCE = 0.8     # assurance full audit gives on its own


def _check_share(name: str, value: float) -> None:
    if not isinstance(value, int | float) or not math.isfinite(value) or not 0 <= value <= 1:
        raise ValueError(f"{name.replace('_', ' ')} must be a number from 0 to 1, not {value!r}")


class MonthState(NamedTuple):
    """The pilot and the system at the end of one month (shares from 0 to 1)."""

    month: int
    room: float
    evidence: float
    pressure: float
    assurance: float
    status: str  #: "running", "rejected" (in the month of rejection) or "closed"


class Leverage(NamedTuple):
    """What moving one setting in the pilot's favour would do; see ``leverage()``."""

    setting: str
    value: float
    moved_to: float
    room_gain: float
    extra_months: int
    survives_at: float


@dataclass(frozen=True)
class Outcome:
    """Whether the pilot survived, and if not, the month it was rejected."""

    survived: bool
    rejected_month: int | None
    months: int

    @property
    def months_running(self) -> int:
        """How many months the pilot ran before it was rejected (all of them if it survived)."""
        return self.months if self.rejected_month is None else self.rejected_month - 1


@dataclass(frozen=True)
class ImmuneResponseModel:
    r"""A relational pilot inside a system with four settings, month by month.

    An illustrative teaching model, not a calibrated forecast: every coefficient is
    an assumption chosen to make the argument visible, not a measured value.

    **Settings** (each a number from 0 to 1, with no unit):

    - ``audit_intensity`` *a*: how much of the pilot's work is inspected, reported and
      checked for compliance (0 none, 1 everything).
    - ``target_rigidity`` *r*: how tightly it is held to targets fixed in advance
      (0 none, 1 every target fixed and enforced).
    - ``risk_appetite`` *p*: how much risk the organisation will carry when something
      goes wrong (0 none: every incident is escalated; 1 a lot).
    - ``delegated_authority`` *d*: how much authority is formally handed to the front
      line and the community (0 none, 1 all the decisions the pilot needs).

    **State** at the end of month *t*, each a share from 0 to 1:

    - *R* room to manoeuvre: the share of front-line decisions staff can make on their
      own judgement, beyond the standard process. It starts at ``initial_room``, what
      the pilot was promised at launch.
    - *E* evidence and legitimacy: how far the system recognises that the pilot works.
      It starts at 0.
    - *A* antibody pressure: how hard the machinery pushes the pilot back towards
      standard processes (requests to justify, escalations, compliance checks). It
      starts at 0: a new pilot is protected by its sponsor at launch.

    **Equations**, for months *t* = 1, 2, ...:

    .. math::

        P &= 1 - (1 - 0.4a)(1 - 0.4r)(1 - 0.4(1 - p))
            &&\text{the system's standing pressure}\\
        A_t &= 0.8\,A_{t-1} + 0.2\,P\,(1 - 0.6\,E_{t-1})
            &&\text{legitimacy shields the pilot}\\
        R_t &= 0.75\,R_{t-1} + 0.25\,(1 - A_t)\,\min(1,\ 0.35 + 0.3\,d + 0.4\,E_{t-1})
            &&\text{authority and evidence make room}\\
        E_t &= E_{t-1} + 0.12\,R_t\,w\,(1 - E_{t-1}) - 0.03\,E_{t-1},
            \quad w = (1 - 0.5r)(1 - 0.4a)
            &&\text{room produces evidence}

    Rigid targets hide half of the pilot's evidence at most (they count what was fixed
    in advance, not what changed for people) and full audit takes 40% of the time the
    work needs. In ``incident_month`` (month 9 by default; ``None`` for none) something
    goes wrong, as it does in any service, and before that month's update the pressure
    jumps: :math:`A \leftarrow 1 - (1 - A)(1 - J)` with
    :math:`J = 0.6\,(0.4 + 0.6a)(1 - p)(1 - 0.5d)`: more audit sees more of it, a low
    risk appetite reacts harder, and delegated authority keeps it local.

    The pilot is **rejected** (closed, or absorbed back into standard processes) in the
    month its room has been below ``threshold`` for ``patience`` months in a row; from
    then on its room is 0. Otherwise it **survives**. *Assurance*, how confident the
    board can be about what is happening, comes from audit or from evidence:
    :math:`1 - (1 - 0.8a)(1 - E_t)`; so cutting audit costs assurance until evidence
    has built up.

    Every update moves the same way as its inputs, so more audit or more rigid targets
    never raise room at any month, and more risk appetite or more delegated authority
    never lower it; every state stays from 0 to 1 (the tests check both). One
    simplification: the system's pressure does not depend on how much room the pilot
    uses; a richer model would make a bolder pilot more visible.

    Parameters
    ----------
    audit_intensity, target_rigidity, risk_appetite, delegated_authority : float
        The four settings, from 0 to 1. The defaults describe a typical system: heavy
        audit, rigid targets, a low risk appetite and little delegated authority.
    months : int
        How many months to simulate, from 1 to 120.
    initial_room : float
        Room to manoeuvre at launch, from 0 to 1.
    threshold : float
        The room below which the pilot is in danger, above 0 and below 1.
    patience : int
        How many months in a row below the threshold the system tolerates, 1 or more.
    incident_month : int or None
        The month a serious incident happens, or None; an incident after the last month
        does not happen within the run.

    Examples
    --------
    >>> typical = ImmuneResponseModel()
    >>> typical.outcome()
    Outcome(survived=False, rejected_month=11, months=24)
    >>> typical.most_influential()
    'delegated_authority'
    >>> redesigned = typical.with_settings(target_rigidity=0.3, risk_appetite=0.6,
    ...                                    delegated_authority=0.7)
    >>> redesigned.outcome().survived
    True
    >>> round(float(redesigned.trajectory().loc[24, "room"]), 2)
    0.44
    """

    audit_intensity: float = 0.7
    target_rigidity: float = 0.7
    risk_appetite: float = 0.3
    delegated_authority: float = 0.3
    months: int = 24
    initial_room: float = 0.6
    threshold: float = 0.3
    patience: int = 3
    incident_month: int | None = 9
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False,
                                   hash=False)

    def __post_init__(self) -> None:
        for name in (*SETTINGS, "initial_room"):
            _check_share(name, getattr(self, name))
        if not isinstance(self.months, int) or not 1 <= self.months <= 120:
            raise ValueError(f"months must be a whole number from 1 to 120, not {self.months!r}")
        if not isinstance(self.threshold, int | float) or not 0 < self.threshold < 1:
            raise ValueError(f"threshold must be between 0 and 1, not {self.threshold!r}")
        if not isinstance(self.patience, int) or self.patience < 1:
            raise ValueError(f"patience must be a whole number of months, 1 or more, "
                             f"not {self.patience!r}")
        incident = self.incident_month
        if incident is not None and (not isinstance(incident, int) or incident < 1):
            raise ValueError(f"incident_month must be a whole month, 1 or later, or None for "
                             f"no incident, not {incident!r}")

    # -- new models (the model never mutates) ----------------------------------------
    def with_settings(self, **settings: float) -> ImmuneResponseModel:
        """Return the model with some settings changed, such as ``risk_appetite=0.6``."""
        unknown = sorted(set(settings) - set(SETTINGS))
        if unknown:
            raise ValueError(f"unknown setting {unknown[0]!r}; the settings are "
                             f"{', '.join(SETTINGS)}")
        changes: dict[str, Any] = dict(settings)
        return replace(self, **changes)

    @property
    def settings(self) -> dict[str, float]:
        """The four settings as ``{name: value}``."""
        return {name: float(getattr(self, name)) for name in SETTINGS}

    # -- the simulation ----------------------------------------------------------------
    def _memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """Compute a result once per model (it never changes)."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]

    def standing_pressure(self) -> float:
        """Return the pressure *P* the system puts on any pilot, from its settings (0 to 1)."""
        a, r, p = self.audit_intensity, self.target_rigidity, self.risk_appetite
        tolerance = ((1 - AUDIT_WEIGHT * a) * (1 - TARGET_WEIGHT * r)
                     * (1 - APPETITE_WEIGHT * (1 - p)))
        return 1 - tolerance

    def states(self) -> tuple[MonthState, ...]:
        """Return every month's state, from month 0 (launch) to the end, as plain tuples.

        The same numbers as :meth:`trajectory`, without pandas: quicker to read in a loop.
        """
        return self._memo("states", self._simulate)  # type: ignore[no-any-return]

    def _simulate(self) -> tuple[MonthState, ...]:
        a, r = self.audit_intensity, self.target_rigidity
        p, d = self.risk_appetite, self.delegated_authority
        standing = self.standing_pressure()
        work = (1 - TARGET_BLINDNESS * r) * (1 - AUDIT_BURDEN * a)
        jump = INCIDENT_SIZE * (0.4 + 0.6 * a) * (1 - p) * (1 - INCIDENT_AUTHORITY * d)
        audit_doubt = 1 - AUDIT_ASSURANCE * a
        room, evidence, pressure = float(self.initial_room), 0.0, 0.0
        below, status = 0, "running"
        states = [MonthState(0, room, evidence, pressure, 1 - audit_doubt, status)]
        # Every update is a weighted average or a product of quantities that each move
        # one way with the settings, so the guarantees in the docstring hold, up to
        # rounding, in floating point too (the tests allow 1e-12).
        for month in range(1, self.months + 1):
            if month == self.incident_month:
                pressure = 1 - (1 - pressure) * (1 - jump)
            pressure = ((1 - PRESSURE_RATE) * pressure
                        + PRESSURE_RATE * standing * (1 - SHIELD * evidence))
            if status == "running":
                ceiling = min(1.0, ROOM_FLOOR + AUTHORITY_ROOM * d + EVIDENCE_ROOM * evidence)
                room = (1 - ROOM_RATE) * room + ROOM_RATE * (1 - pressure) * ceiling
                below = below + 1 if room < self.threshold else 0
                if below >= self.patience:
                    status = "rejected"
            else:
                status, room = "closed", 0.0
            gain = EVIDENCE_RATE * room * work
            evidence = (1 - EVIDENCE_FADE - gain) * evidence + gain
            states.append(MonthState(month, room, evidence, pressure,
                                     1 - audit_doubt * (1 - evidence), status))
        return tuple(states)

    def trajectory(self) -> pd.DataFrame:
        """Return every month's state as a table, from month 0 (launch) to the end.

        Columns: ``room``, ``evidence``, ``pressure``, ``assurance`` (shares from 0 to
        1) and ``status`` (``"running"``, ``"rejected"`` in the month of rejection, then
        ``"closed"``). The index is the month, named ``month``.
        """
        table = pd.DataFrame(self.states(), columns=list(MonthState._fields))
        return table.set_index("month")

    def outcome(self) -> Outcome:
        """Whether the pilot survives the whole period, or the month it is rejected."""
        month = next((s.month for s in self.states() if s.status == "rejected"), None)
        return Outcome(survived=month is None, rejected_month=month, months=self.months)

    def mean_room(self) -> float:
        """Average room to manoeuvre over months 1 to the end (0 after rejection)."""
        return sum(state.room for state in self.states()[1:]) / self.months

    # -- which setting matters most ------------------------------------------------------
    def leverage_by_setting(self) -> MappingProxyType[str, Leverage]:
        """Return :meth:`leverage` as ``{setting: Leverage}``, without pandas."""
        return self._memo("leverage", self._leverage)  # type: ignore[no-any-return]

    def leverage(self) -> pd.DataFrame:
        """Show what changing each setting in the pilot's favour would do, one at a time.

        "In the pilot's favour" means lowering audit intensity or target rigidity, or
        raising risk appetite or delegated authority. Columns:

        - ``value``: the setting now;
        - ``moved_to``: the setting moved 0.1 in the pilot's favour (kept within 0 to 1);
        - ``room_gain``: how much that move adds to :meth:`mean_room` (never negative);
        - ``extra_months``: how many more months the pilot would run after that move;
        - ``survives_at``: if the pilot is rejected, the nearest value, in steps of 0.05,
          at which it would survive with only this setting changed; NaN if it already
          survives or no value of this setting alone would save it.

        Rows are in :data:`SETTINGS` order, indexed by setting.
        """
        rows = list(self.leverage_by_setting().values())
        return pd.DataFrame(rows, columns=list(Leverage._fields)).set_index("setting")

    def _leverage(self) -> MappingProxyType[str, Leverage]:
        rows = {}
        base_room, base_months = self.mean_room(), self.outcome().months_running
        survived = self.outcome().survived
        for name in SETTINGS:
            value = float(getattr(self, name))
            moved = min(1.0, max(0.0, value + HELPS[name] * NUDGE))
            other = self.with_settings(**{name: moved})
            rows[name] = Leverage(name, value, moved, other.mean_room() - base_room,
                                  other.outcome().months_running - base_months,
                                  math.nan if survived else self._survives_at(name))
        return MappingProxyType(rows)

    def _survives_at(self, name: str) -> float:
        """Find the nearest value of one setting, in steps of 0.05, that saves the pilot."""
        value = float(getattr(self, name))
        room = 1 - value if HELPS[name] > 0 else value  # how far the setting can move
        steps = math.floor(room / SEARCH_STEP + 1e-9)
        # Try each step of 0.05, then the end of the range itself (0 or 1).
        for distance in [step * SEARCH_STEP for step in range(1, steps + 1)] + [room]:
            candidate = round(value + HELPS[name] * distance, 10)
            if self.with_settings(**{name: candidate}).outcome().survived:
                return candidate
        return math.nan

    def most_influential(self) -> str | None:
        """Return the setting that matters most now, or None if no single change would help.

        If the pilot is rejected: the setting that would save it with the smallest
        change (see ``survives_at`` in :meth:`leverage`). If it survives, or no single
        setting would save it: the setting whose 0.1 move adds most to average room,
        if that adds at least 0.001 (a tenth of a percentage point). Ties go to the
        setting listed first in :data:`SETTINGS`.
        """
        rows = self.leverage_by_setting()
        distances = {name: round(abs(row.survives_at - row.value), 9)
                     for name, row in rows.items() if not math.isnan(row.survives_at)}
        if distances:
            return min(distances, key=lambda name: distances[name])
        gains = {name: round(row.room_gain, 9) for name, row in rows.items()}
        best = max(gains, key=lambda name: gains[name])
        return best if gains[best] >= 0.001 else None
