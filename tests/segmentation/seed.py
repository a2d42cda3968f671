"""The seed's three rules: amount > 10000 is high value, more than 5 interactions in the last 30 days is
active, a filled contact form is a prospect. Once as tags, once as one group by priority."""

from stratacrm.segmentation.catalog import define_metric
from stratacrm.segmentation.compiler import Branch, Dimension
from stratacrm.segmentation.library import BUILTIN_CATALOG
from stratacrm.segmentation.text import parse

CATALOG = BUILTIN_CATALOG.extend(
    define_metric(
        catalog=BUILTIN_CATALOG,
        name="purchase_amount_12m",
        source="transactions",
        aggregate="sum(amount)",
        window="12 months",
        description_en="Amount purchased in the last 12 months",
        description_zh="近12个月购买金额",
    )
)
RULES = (
    ("high value", "purchase_amount_12m > 10000"),
    ("active", "interactions_30d > 5"),
    ("prospect", "contact_form_filled"),
)
BRANCHES = tuple(Branch(label, parse(text, fields=CATALOG.fields)) for label, text in RULES)
DIMENSIONS = (
    Dimension("seed_group", "exclusive", BRANCHES, default="other"),
    Dimension("seed_tags", "tags", BRANCHES),
)
