"""The built-in metrics and customer attributes of the utility template.

Choices made here (each is also in the metric's description):
- Windows end with the as_of day included (see `windows.py`); `12 months` of bills or consumption is
  the 12 monthly periods up to and including the month of as_of.
- Monthly averages divide by the months that have readings, so a new customer is not diluted by months
  before it joined; several meters in one month are summed first.
- `kwh_drop_seasonal` is `1 - kwh_3m / kwh_3m_year_ago`: 0.25 means a quarter less than the same three
  months a year earlier (seasonality cancels out), a negative value means growth.
- Days late are `paid_on - bill.due_date`, 0 for payments on time, missing for payments not tied to a
  bill; a bill never paid shows in `arrears`, not in the late-day metrics.
- `consumption_band` bands the average monthly kWh by customer type (`CONSUMPTION_BANDS`, from the
  magnitudes in DOMAIN.md: households' median is about 180 kWh, shops 300–3,000, factories far more).

>>> len(BUILTIN_CATALOG.metrics), BUILTIN_CATALOG.resolve("amount_12m").name
(43, 'billed_amount_12m')
"""

from __future__ import annotations

from .catalog import DERIVED, Aggregate, Bands, Catalog, Metric
from .conditions import Condition, Leaf
from .fields import Kind
from .sources import CUSTOMERS
from .windows import Window

M12, M24_13, M3, M15_13 = (
    Window("months", 1, 12),
    Window("months", 13, 24),
    Window("months", 1, 3),
    Window("months", 13, 15),
)
D30, D90 = Window("days", 1, 30), Window("days", 1, 90)
COMPLAINT: Condition = Leaf("kind", "=", "complaint")
OPEN_TICKET: Condition = Leaf("status", "in", ("open", "in_progress"))

CONSUMPTION_BANDS = Bands(
    labels=("low", "medium", "high"),
    by_type=(
        ("residential", (150.0, 400.0)),
        ("individual", (150.0, 400.0)),
        ("commercial", (1_000.0, 5_000.0)),
        ("business", (1_000.0, 5_000.0)),
        ("agricultural", (500.0, 5_000.0)),
        ("public_institution", (2_000.0, 20_000.0)),
        ("industrial", (50_000.0, 500_000.0)),
    ),
    default=(1_000.0, 5_000.0),
)


def _attribute(name: str, kind: Kind = "text") -> Metric:
    en, zh = DESCRIPTIONS[name]
    return Metric(name, CUSTOMERS, "value", column=name, kind=kind, description_en=en, description_zh=zh)


def _metric(
    name: str,
    source: str,
    aggregate: Aggregate,
    column: str | None,
    window: Window | None,
    *,
    kind: Kind = "number",
    filter: Condition | None = None,
    time_column: str | None = None,
    aliases: tuple[str, ...] = (),
) -> Metric:
    return Metric(
        name,
        source,
        aggregate,
        column=column,
        filter=filter,
        window=window,
        kind=kind,
        time_column=time_column,
        aliases=aliases,
        description_en=DESCRIPTIONS[name][0],
        description_zh=DESCRIPTIONS[name][1],
    )


def _derived(name: str, aggregate: Aggregate, inputs: tuple[str, ...], bands: Bands | None = None) -> Metric:
    kind: Kind = "text" if aggregate == "band" else "number"
    en, zh = DESCRIPTIONS[name]
    return Metric(
        name, DERIVED, aggregate, inputs=inputs, kind=kind, bands=bands, description_en=en, description_zh=zh
    )


DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "customer_type": ("Customer type", "客户类型"),
    "industry": ("Industry", "行业"),
    "province": ("Province", "省份"),
    "city": ("City", "城市"),
    "district": ("District", "区县"),
    "size": ("Size", "规模"),
    "status": ("Status", "状态"),
    "credit_grade": ("Credit grade", "信用等级"),
    "important_grade": ("Important-user grade", "重要用户等级"),
    "source_channel": ("Source channel", "来源渠道"),
    "preferred_channel": ("Preferred channel", "偏好渠道"),
    "contact_form_filled": ("Filled the contact form", "已填写联系表单"),
    "kwh_12m": ("kWh in the last 12 months", "近12个月用电量"),
    "kwh_prev_12m": ("kWh in months 13–24", "前12个月用电量"),
    "kwh_3m": ("kWh in the last 3 months", "近3个月用电量"),
    "kwh_3m_year_ago": ("kWh in the same 3 months a year earlier", "去年同期3个月用电量"),
    "peak_kwh_12m": ("Peak-period kWh in the last 12 months", "近12个月峰时用电量"),
    "months_with_consumption_12m": ("Months with readings in the last 12", "近12个月有读数的月数"),
    "avg_monthly_kwh_12m": (
        "Average monthly kWh over the last 12 months (months with readings)",
        "近12个月月均用电量",
    ),
    "kwh_yoy_change": (
        "Change of the last 12 months' kWh against the 12 before (0.1 = +10%)",
        "用电量同比变化",
    ),
    "kwh_drop_seasonal": (
        "Share by which the last 3 months' kWh fell against the same months a year earlier",
        "近3个月用电量同比降幅",
    ),
    "peak_share_12m": ("Peak-period share of kWh in the last 12 months", "近12个月峰时用电占比"),
    "consumption_band": ("Consumption band (low, medium, high) by customer type", "用电量档位"),
    "billed_amount_12m": ("Amount billed in the last 12 months", "近12个月电费金额"),
    "billed_to_date": ("Amount of all bills issued up to as_of", "累计应收电费"),
    "months_since_last_bill": ("Whole months from the last billed month to as_of", "距最近账单月数"),
    "payments_12m": ("Amount paid in the last 12 months", "近12个月缴费金额"),
    "paid_to_date": ("Amount of all payments up to as_of", "累计实收电费"),
    "late_days_max_12m": ("Most days late of a payment in the last 12 months", "近12个月最长逾期天数"),
    "late_days_mean_12m": ("Mean days late of payments in the last 12 months", "近12个月平均逾期天数"),
    "arrears": ("Billed minus paid up to as_of (negative: credit)", "欠费金额"),
    "interactions_30d": ("Interactions in the last 30 days", "近30天互动次数"),
    "interactions_90d": ("Interactions in the last 90 days", "近90天互动次数"),
    "days_since_last_interaction": ("Days from the last interaction to as_of", "距最近互动天数"),
    "complaints_90d": ("Complaints opened in the last 90 days", "近90天投诉次数"),
    "complaints_12m": ("Complaints opened in the last 12 months", "近12个月投诉次数"),
    "open_tickets": ("Tickets open or in progress", "未结工单数"),
    "csat_mean_12m": ("Mean CSAT (1–5) in the last 12 months", "近12个月平均满意度"),
    "nps_last": ("The latest NPS answer (0–10)", "最近一次NPS评分"),
    "tenure_months": ("Whole months since the customer was created", "客户在网月数"),
    "recency_days": ("Days from the last purchase to as_of", "距最近购买天数"),
    "frequency_12m": ("Purchases in the last 12 months", "近12个月购买次数"),
    "monetary_12m": ("Amount purchased in the last 12 months", "近12个月购买金额"),
}

ATTRIBUTES = (
    _attribute("customer_type"),
    _attribute("industry"),
    _attribute("province"),
    _attribute("city"),
    _attribute("district"),
    _attribute("size"),
    _attribute("status"),
    _attribute("credit_grade"),
    _attribute("important_grade"),
    _attribute("source_channel"),
    _attribute("preferred_channel"),
    _attribute("contact_form_filled", kind="boolean"),
)

METRICS = (
    _metric("kwh_12m", "consumption", "sum", "kwh_total", M12),
    _metric("kwh_prev_12m", "consumption", "sum", "kwh_total", M24_13),
    _metric("kwh_3m", "consumption", "sum", "kwh_total", M3),
    _metric("kwh_3m_year_ago", "consumption", "sum", "kwh_total", M15_13),
    _metric("peak_kwh_12m", "consumption", "sum", "kwh_peak", M12),
    _metric("months_with_consumption_12m", "consumption", "count_distinct", "period", M12, kind="integer"),
    _derived("avg_monthly_kwh_12m", "ratio", ("kwh_12m", "months_with_consumption_12m")),
    _derived("kwh_yoy_change", "change", ("kwh_12m", "kwh_prev_12m")),
    _derived("kwh_drop_seasonal", "drop", ("kwh_3m", "kwh_3m_year_ago")),
    _derived("peak_share_12m", "ratio", ("peak_kwh_12m", "kwh_12m")),
    _derived("consumption_band", "band", ("avg_monthly_kwh_12m", "customer_type"), CONSUMPTION_BANDS),
    _metric("billed_amount_12m", "bills", "sum", "amount", M12, aliases=("amount_12m",)),
    _metric("billed_to_date", "bills", "sum", "amount", None, time_column="issued_on"),
    _metric("months_since_last_bill", "bills", "months_since", "period", None, kind="integer"),
    _metric("payments_12m", "payments", "sum", "amount", M12),
    _metric("paid_to_date", "payments", "sum", "amount", None),
    _metric("late_days_max_12m", "payments", "max", "days_late", M12, kind="integer"),
    _metric("late_days_mean_12m", "payments", "avg", "days_late", M12),
    _derived("arrears", "difference", ("billed_to_date", "paid_to_date")),
    _metric("interactions_30d", "interactions", "count", None, D30, kind="integer"),
    _metric("interactions_90d", "interactions", "count", None, D90, kind="integer"),
    _metric("days_since_last_interaction", "interactions", "days_since", "occurred_at", None, kind="integer"),
    _metric("complaints_90d", "tickets", "count", None, D90, kind="integer", filter=COMPLAINT),
    _metric("complaints_12m", "tickets", "count", None, M12, kind="integer", filter=COMPLAINT),
    _metric("open_tickets", "tickets", "count", None, None, kind="integer", filter=OPEN_TICKET),
    _metric("csat_mean_12m", "survey_responses", "avg", "csat", M12),
    _metric("nps_last", "survey_responses", "last", "nps", None, kind="integer"),
    _metric("tenure_months", CUSTOMERS, "months_since", "created_at", None, kind="integer"),
    _metric("recency_days", "transactions", "days_since", "occurred_at", None, kind="integer"),
    _metric("frequency_12m", "transactions", "count", None, M12, kind="integer"),
    _metric("monetary_12m", "transactions", "sum", "amount", M12),
)

BUILTIN_CATALOG = Catalog((*ATTRIBUTES, *METRICS))
