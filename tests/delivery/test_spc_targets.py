"""SPC of the targets register: each target's monthly actuals as an XmR chart whose improvement direction is
the target's ``direction`` and whose assurance compares the target value with the limits."""

from __future__ import annotations

from carebridge.delivery.months import Month
from carebridge.delivery.pack_registers import targets_table
from carebridge.delivery.register_status import RegisterView, target_spc, target_status
from carebridge.delivery.targets import Target, load_targets, trajectory_for
from tests.conftest import EXAMPLES

REGISTER = load_targets(EXAMPLES / "delivery" / "targets.yaml")
TARGETS = {target.id: target for target in REGISTER.targets}
FALLING = {"2016/17-M09": 80.0, "2016/17-M10": 79.0, "2016/17-M11": 78.0, "2016/17-M12": 77.0}


def actuals(values: dict[str, float]) -> dict[Month, float]:
    return {Month.parse(month): value for month, value in values.items()}


def test_a_target_below_its_limits_consistently_fails() -> None:
    chart = target_spc(TARGETS["ae_4_hours_stockport"], actuals(FALLING))
    assert chart is not None
    assert (chart.options.improvement, chart.options.target) == ("increase", 95.0)
    assert (chart.variation, chart.assurance) == ("common_cause", "fail")  # limits 75.8 to 81.2


def test_lower_is_better_is_a_decrease_and_a_rise_is_a_concern() -> None:
    target: Target = TARGETS["dtoc_stockport"]
    values = {f"2017/18-M{n:02d}": 4.0 + (0.1 if n % 2 else 0.0) for n in range(1, 8)}
    values["2017/18-M08"] = 9.0
    chart = target_spc(target, actuals(values))
    assert chart is not None
    assert chart.options.improvement == "decrease"
    assert (chart.variation, chart.assurance) == (
        "concern_high",
        "hit_and_miss",
    )  # the jump widens the limits


def test_fewer_than_four_months_have_no_chart() -> None:
    assert target_spc(TARGETS["ae_4_hours_stockport"], actuals(dict(list(FALLING.items())[:3]))) is None


def test_the_packs_target_table_says_the_variation_and_assurance() -> None:
    target = TARGETS["ae_4_hours_stockport"]
    status = target_status(target, trajectory_for(target), actuals(FALLING), Month.parse("2016/17-M12"))
    assert status.spc is not None and status.spc.assurance == "fail"
    table = targets_table(RegisterView(Month.parse("2016/17-M12"), [status]))
    headers = [column.header for column in table.columns]
    row = table.rows[0]
    assert row[headers.index("SPC variation")] == "Common cause"
    assert row[headers.index("SPC assurance")] == "Consistently fails"
