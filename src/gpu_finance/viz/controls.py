"""Controls defined once, used twice: as a live ipywidgets panel and as a kernel-free Altair chart.

An interactive figure in this book exists in two forms:

* a **live panel** (ipywidgets) that recomputes the model in a running kernel: a notebook on a
  laptop, Binder or Colab;
* a **kernel-free chart** for the website, where no Python runs: the model is evaluated ahead of
  time over a grid of every control value (:func:`grid`), and Vega-Lite parameters bound to
  sliders and menus pick the matching rows (:func:`bind` and :func:`selected`).

A :class:`Slider` or :class:`Dropdown` holds a control's name, label, allowed range, step and
default, and builds both the ipywidget and the Vega-Lite parameter, so the two cannot drift
apart. A slider that sets a model parameter is given the parameter's
:class:`~gpu_finance._validation.Range` (``valid=``) and checks that both its ends lie inside it,
so a reader can never pick a value the model refuses.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import altair as alt
import ipywidgets as widgets
import numpy as np
import pandas as pd
from altair.utils.schemapi import debug_mode
from IPython import get_ipython
from IPython.display import display

from .._validation import Range, check_number
from ..i18n import gettext as _, is_chinese
from .render import render_spec

__all__ = ["Slider", "Dropdown", "Control", "grid", "bind", "selected", "live_panel", "LivePanel", "defaults",
           "snap", "significant"]


@dataclass(frozen=True)
class Slider:
    """A numeric control.

    Parameters
    ----------
    name : str
        The model parameter it sets (also the Vega-Lite parameter's and grid column's name).
    label : str
        What the reader sees, with the unit, e.g. ``"Debt share (%)"``.
    minimum, maximum, step : float
        The allowed range and step, in the model's units.
    default : float
        Starting value; must lie on the grid ``minimum + k * step``.
    scale : float
        Factor between model units and displayed units (100 shows a fraction as a percentage).
    valid : Range, optional
        The values the model parameter accepts (e.g. :data:`gpu_finance._validation.RATE`); the
        slider's minimum and maximum must both lie in it.

    Examples
    --------
    >>> from gpu_finance._validation import RATE, TERM_YEARS
    >>> Slider("debt_term_years", "Loan term (years)", TERM_YEARS.low, TERM_YEARS.high, 1, 5, valid=TERM_YEARS).maximum
    15
    >>> Slider("debt_rate", "Rate (%)", 0.0, 1.0, 0.05, 0.1, scale=100, valid=RATE)
    Traceback (most recent call last):
    ...
    ValueError: debt_rate.maximum=1.0 is outside the model's range [0, 1)
    """

    name: str
    label: str
    minimum: float
    maximum: float
    step: float
    default: float
    scale: float = 1.0
    valid: Range | None = None

    def __post_init__(self) -> None:
        check_number(f"{self.name}.step", self.step, 0, float("inf"), low_closed=False)
        check_number(f"{self.name}.maximum", self.maximum, self.minimum, float("inf"))
        check_number(f"{self.name}.default", self.default, self.minimum, self.maximum)
        check_number(f"{self.name}.scale", self.scale, 0, float("inf"), low_closed=False)
        if self.valid is not None:
            for end in ("minimum", "maximum"):
                if not self.valid.contains(getattr(self, end)):
                    raise ValueError(f"{self.name}.{end}={getattr(self, end)!r} is outside the model's range "
                                     f"{self.valid}")
        offset = (self.default - self.minimum) / self.step
        if abs(offset - round(offset)) > 1e-9:
            raise ValueError(
                f"{self.name}.default={self.default!r} is not on the grid "
                f"{self.minimum!r} + k * {self.step!r}"
            )

    @property
    def is_whole(self) -> bool:
        return all(float(v).is_integer() for v in (self.minimum, self.step, self.default))

    def values(self) -> np.ndarray:
        """Every value the control can take, in model units, rounded to 10 decimals."""
        count = int(round((self.maximum - self.minimum) / self.step)) + 1
        return np.round(self.minimum + self.step * np.arange(count), 10)

    def widget(self) -> widgets.Widget:
        """An ipywidgets slider over the same range (in displayed units)."""
        common = dict(description=self.label, style={"description_width": "initial"},
                      layout=widgets.Layout(width="420px"), continuous_update=False)
        if self.is_whole and self.scale == 1:
            return widgets.IntSlider(value=int(self.default), min=int(self.minimum),
                                     max=int(self.maximum), step=int(self.step), **common)
        return widgets.FloatSlider(
            value=self.default * self.scale, min=self.minimum * self.scale,
            max=self.maximum * self.scale, step=self.step * self.scale,
            readout_format=self._readout_format(), **common,
        )

    def _readout_format(self) -> str:
        """How the widget writes its value: three significant digits; in Chinese, where money is counted
        in 億 (a slider in USD billions shows ten times the number), whole numbers with separators
        (5,000, not 5e+03)."""
        shown = [x * self.scale for x in (self.minimum, self.step)]
        if is_chinese() and all(abs(x - round(x)) < 1e-9 for x in shown):
            return ",.0f"
        return ".3g"

    def from_widget(self, shown: float) -> float:
        """Model value for a widget reading (undoing ``scale``, snapped to the grid)."""
        value = shown / self.scale
        k = round((value - self.minimum) / self.step)
        return float(np.round(self.minimum + k * self.step, 10))

    def param(self) -> alt.Parameter:
        """A Vega-Lite parameter bound to a range slider over the same grid, in displayed units."""
        shown = [round(x * self.scale, 10) for x in (self.minimum, self.maximum, self.step, self.default)]
        binding = alt.binding_range(min=shown[0], max=shown[1], step=shown[2], name=f"{self.label} ")
        return alt.param(name=self.name, value=shown[3], bind=binding)

    def test_expression(self) -> str:
        """Vega expression true for the grid rows that match the parameter's current value."""
        half_step = round(self.step * self.scale / 2, 12)
        return f"abs(datum['{self.name}'] * {self.scale!r} - {self.name}) < {half_step!r}"


@dataclass(frozen=True)
class Dropdown:
    """A control with a few named choices.

    Parameters
    ----------
    name : str
        The model parameter it sets.
    label : str
        What the reader sees.
    options : sequence of (label, value) pairs
        The choices; values are strings or numbers.
    default : str or float
        One of the option values.
    """

    name: str
    label: str
    options: tuple[tuple[str, object], ...]
    default: object

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple((str(k), v) for k, v in self.options))
        if self.default not in self.values():
            raise ValueError(f"{self.name}.default={self.default!r} is not one of {self.values()!r}")

    def values(self) -> list:
        return [value for _, value in self.options]

    def widget(self) -> widgets.Widget:
        return widgets.Dropdown(options=list(self.options), value=self.default,
                                description=self.label, style={"description_width": "initial"})

    def from_widget(self, shown: object) -> object:
        return shown

    def param(self) -> alt.Parameter:
        binding = alt.binding_select(options=self.values(), labels=[k for k, _ in self.options],
                                     name=f"{self.label} ")
        return alt.param(name=self.name, value=self.default, bind=binding)

    def test_expression(self) -> str:
        return f"datum['{self.name}'] == {self.name}"


Control = Slider | Dropdown


def snap(value: float, low: float, high: float, step: float) -> float:
    """The point ``low + k * step`` of ``[low, high]`` nearest to ``value`` (10 decimals).

    Used to start a slider at a model default that may not lie on the slider's grid; the model
    itself never receives a snapped value unless the reader picks it.

    Examples
    --------
    >>> snap(0.22, 0.10, 0.30, 0.04), snap(0.95, 0.0, 0.8, 0.05)
    (0.22, 0.8)
    """
    k = round((min(max(value, low), high) - low) / step)
    return round(low + k * step, 10)


def significant(values, digits: int = 4) -> np.ndarray:
    """Round to ``digits`` significant figures, to keep the data inlined in a page small.

    Zeros stay zero and non-finite values become NaN.

    Examples
    --------
    >>> significant([123456.0, 0.00123456, 0.0], 3).tolist()
    [123000.0, 0.00123, 0.0]
    """
    array = np.asarray(values, dtype=float)
    out = np.zeros_like(array)
    nonzero = np.isfinite(array) & (array != 0)
    magnitude = np.floor(np.log10(np.abs(array[nonzero])))
    factor = 10.0 ** (digits - 1 - magnitude)
    out[nonzero] = np.round(array[nonzero] * factor) / factor
    out[~np.isfinite(array)] = np.nan
    return out


def grid(model: Callable[..., pd.DataFrame], controls: Sequence[Control], **fixed) -> pd.DataFrame:
    """Evaluate ``model`` at every combination of control values and stack the results.

    Parameters
    ----------
    model : callable
        Called as ``model(**{control.name: value, ...}, **fixed)``; returns a DataFrame.
    controls : sequence of Slider or Dropdown
        The controls whose values to sweep.
    **fixed
        Further keyword arguments passed unchanged.

    Returns
    -------
    pandas.DataFrame
        The model's rows, with one extra column per control holding the value used.
    """
    pieces = []
    for combo in itertools.product(*(c.values() for c in controls)):
        chosen = {c.name: v for c, v in zip(controls, combo)}
        piece = model(**chosen, **fixed).copy()
        for name, value in chosen.items():
            piece[name] = value
        pieces.append(piece)
    return pd.concat(pieces, ignore_index=True)


def bind(chart: alt.Chart, controls: Sequence[Control]) -> alt.Chart:
    """Add the controls' bound parameters to a chart."""
    return chart.add_params(*(c.param() for c in controls))


def selected(controls: Sequence[Control]) -> str:
    """A filter expression that keeps the grid rows matching every control's current value."""
    return " && ".join(c.test_expression() for c in controls)


class LivePanel(widgets.VBox):
    """An ipywidgets panel: a title, the controls, then whatever ``update(**values)`` returns.

    ``update`` returns either the items to show (one object or a list: charts, tables), or a dict
    of *sections*, ``{"Title": callable, ...}``, each callable returning its items. Sections are
    shown as tabs and computed lazily: a change recomputes only the tab in view, and another tab
    when it is opened, so a panel with many figures stays quick.

    Charts are built and converted to Vega-Lite without Altair's schema validation (its
    ``debug_mode`` off, ``validate=False``): they come from the package's tested chart functions
    (the build and the tests validate every one), and validation would otherwise be a third of the
    time an update takes.

    Attributes
    ----------
    sliders : dict
        The widgets, by control name.
    shown : list
        What the last update displayed in the section in view (charts, tables).
    message : str
        The last error message, or ``""``.
    """

    def __init__(self, controls: Sequence[Control], update: Callable[..., object], title: str | None = None):
        self.controls = list(controls)
        self.update_function = update
        self.sliders = {c.name: c.widget() for c in self.controls}
        self.output = widgets.Output()
        self.tabs: widgets.Tab | None = None
        self.sections: dict[str, Callable[[], object]] = {}
        self._stale: set[str] = set()
        self._outputs: dict[str, widgets.Output] = {}
        self.shown: list = []
        self.message = ""
        header = [widgets.HTML(f"<strong>{title}</strong>")] if title else []
        super().__init__(header + list(self.sliders.values()) + [self.output])
        for widget in self.sliders.values():
            widget.observe(self.refresh, names="value")
        self.refresh()

    def values(self) -> dict[str, object]:
        """The model value of every control."""
        return {c.name: c.from_widget(self.sliders[c.name].value) for c in self.controls}

    @property
    def section(self) -> str | None:
        """The title of the section in view (``None`` for a panel without sections)."""
        if not self.sections:
            return None
        index = self.tabs.selected_index if self.tabs is not None and self.tabs.selected_index is not None else 0
        return list(self.sections)[index]

    def select(self, title: str) -> None:
        """Open the section called ``title`` (computing it if it is out of date)."""
        self.tabs.selected_index = list(self.sections).index(title)

    def refresh(self, *_change) -> None:
        """Recompute with the current values and redraw what is in view."""
        try:
            with debug_mode(False):
                result = self.update_function(**self.values())
        except ValueError as error:  # the model's own message, shown instead of a traceback
            self._show_message(_("Not a valid combination: {error}").format(error=error))
            return
        self.message = ""
        if isinstance(result, dict):
            self._set_sections(result)
            self._stale = set(self.sections)
            self._draw_section(self.section)
        else:
            items = result if isinstance(result, (list, tuple)) else [result]
            self._draw(self.output, [item for item in items if item is not None])

    def rendered(self) -> list:
        """What is in view as it is sent to the notebook: Vega-Lite specs and HTML tables."""
        with debug_mode(False):
            return [_bundle(item) for item in self.shown]

    # -- internals --------------------------------------------------------------------------------
    def _set_sections(self, sections: dict[str, Callable[[], object]]) -> None:
        first_time = not self.sections
        self.sections = dict(sections)
        if first_time:
            self._outputs = {title: widgets.Output() for title in self.sections}
            self.tabs = widgets.Tab(children=list(self._outputs.values()), titles=list(self.sections))
            self.tabs.observe(lambda change: self._draw_section(self.section), names="selected_index")
            with self.output:
                if get_ipython() is not None:
                    self.output.clear_output()
                    display(self.tabs)

    def _draw_section(self, title: str | None) -> None:
        if title is None or title not in self._stale:
            return
        try:
            with debug_mode(False):
                produced = self.sections[title]()
        except ValueError as error:
            self._show_message(_("Not a valid combination: {error}").format(error=error))
            return
        items = produced if isinstance(produced, (list, tuple)) else [produced]
        self._stale.discard(title)
        self._draw(self._outputs[title], [item for item in items if item is not None])

    def _draw(self, area: widgets.Output, items: list) -> None:
        self.shown = items
        bundles = self.rendered()
        if get_ipython() is None:  # no kernel (a script or a test): nothing to draw into
            return
        with area:
            area.clear_output(wait=True)
            for bundle in bundles:
                display(bundle, raw=True)

    def _show_message(self, message: str) -> None:
        self.shown, self.message = [], message
        if get_ipython() is None:
            return
        area = self._outputs.get(self.section) if self.sections else self.output
        with area:
            area.clear_output(wait=True)
            print(message)


def _bundle(item) -> dict:
    """A MIME bundle for one item: charts through the book's renderer, the rest through IPython."""
    if isinstance(item, alt.TopLevelMixin):
        return render_spec(item.to_dict(validate=False))
    formatter = get_ipython().display_formatter if get_ipython() is not None else None
    if formatter is not None:
        data, _metadata = formatter.format(item)
        return data
    html = item._repr_html_() if hasattr(item, "_repr_html_") else None
    return {"text/html": html} if html else {"text/plain": repr(item)}


def live_panel(
    controls: Sequence[Control],
    update: Callable[..., object],
    *,
    title: str | None = None,
) -> LivePanel:
    """An ipywidgets panel: the controls, then whatever ``update(**values)`` returns.

    ``update`` is called with every control's model value each time one changes; what it returns
    (one object or a list: charts, tables; or a dict of sections, shown as tabs and computed only
    when in view) is displayed in an output area that is cleared first. A ``ValueError`` from the
    model is shown as a message, not a traceback.
    """
    return LivePanel(controls, update, title=title)


def defaults(controls: Sequence[Control]) -> Mapping[str, object]:
    """The controls' defaults, by name."""
    return {c.name: c.default for c in controls}
