"""The generator's numbers, in one place. The package docstring explains where they come from.

Customer types are indexed in the order of `TYPES`; per-type tables below follow that order.
"""

import numpy as np

GENERATOR_VERSION = "1.0"
CHUNK_SIZE = 50_000  # customers per chunk; each chunk has its own random stream

TYPES = ("residential", "commercial", "industrial", "agricultural", "public_institution")
RES, COM, IND, AGR, PUB = range(5)
TYPE_SHARES = np.array([0.85, 0.10, 0.03, 0.012, 0.008])

# Status: prospects first, then the rest of a customer's life.
PROSPECT_SHARE = 0.02
CLOSED_SHARE = 0.015
SUSPENDED_SHARE = 0.005
FORM_FILLED_SHARE = 0.05  # non-prospects who also filled the contact form
NEW_PER_YEAR = 0.05  # customers joining during the window, as a share per year of window
DRIFT_SHARE = 0.07  # of active customers
LATE_PAYER_SHARE = 0.12

# Contracted capacity (kVA): lognormal median and sigma per type, then clipped.
CAPACITY_MEDIAN = np.array([8.0, 25.0, 400.0, 20.0, 80.0])
CAPACITY_SIGMA = np.array([0.3, 0.8, 1.5, 0.7, 0.9])
CAPACITY_MIN = np.array([4.0, 5.0, 50.0, 5.0, 10.0])
CAPACITY_MAX = np.array([20.0, 800.0, 300_000.0, 630.0, 5_000.0])
TWO_PART_KVA = 315.0  # two-part tariff from this capacity; 100–315 kVA may choose
TWO_PART_CHOICE_SHARE = 0.3
# Voltage band by meter capacity: below 160 kVA < 1 kV, then 1–10 kV, 35 kV, 110 kV, 220 kV+.
VOLTAGE_LEVELS = ("lt_1kv", "1_10kv", "35kv", "110kv", "220kv_plus")
VOLTAGE_BOUNDS_KVA = np.array([160.0, 8_000.0, 40_000.0, 150_000.0])
INDUSTRIAL_METER_COUNTS = np.array([0.6, 0.3, 0.1])  # 1, 2 or 3 meters
TIME_OF_USE_SHARE = np.array([0.25, 0.9, 0.95, 0.2, 0.8])

# Monthly kWh. Households: lognormal, median 180 / p95 ~400 after seasonality. Others: capacity times
# monthly full-load hours drawn uniformly (factories 80–300 h, from DOMAIN).
HOUSEHOLD_MEDIAN_KWH = 181.0  # before seasonality and noise; gives a median of ~180 overall
HOUSEHOLD_SIGMA = 0.42
LOAD_HOURS_MIN = np.array([0.0, 20.0, 80.0, 30.0, 40.0])
LOAD_HOURS_MAX = np.array([0.0, 60.0, 300.0, 120.0, 150.0])
# Calendar-month multipliers (Jan..Dec), and how strongly each type follows them.
SEASONALITY = np.array([1.15, 1.05, 0.8, 0.8, 0.8, 1.0, 1.45, 1.45, 1.15, 0.85, 0.85, 1.1])
SEASONAL_AMPLITUDE = np.array([1.0, 0.7, 0.3, 1.2, 0.8])
MONTHLY_NOISE_SIGMA = np.array([0.12, 0.08, 0.06, 0.15, 0.08])
TREND_PER_YEAR = (0.01, 0.04)  # mean, sd of each customer's own yearly growth
# Time-of-use split (peak, flat, off-peak) means; each meter draws its own from a Dirichlet.
TOU_SPLIT = np.array(
    [
        [0.35, 0.40, 0.25],
        [0.45, 0.40, 0.15],
        [0.28, 0.32, 0.40],
        [0.30, 0.35, 0.35],
        [0.40, 0.42, 0.18],
    ]
)
TOU_CONCENTRATION = 60.0
TOU_MONTHLY_NOISE = 0.03

# Drift toward churn.
DRIFT_LAST_MONTHS = 12  # the start month falls within the last 12 months …
DRIFT_MIN_VISIBLE = 2  # … and at least 2 months before the end
DRIFT_FLOOR = (0.3, 0.7)  # consumption falls to this share of normal …
DRIFT_RAMP_MONTHS = (2, 5)  # … over this many months

# Prices (yuan/kWh). Households: Beijing-style monthly tiers. Others per tariff category; large industry
# by voltage plus a capacity charge. Time-of-use meters weight the parts by the Beijing ratios.
RESIDENTIAL_TIERS_KWH = (240.0, 400.0)
RESIDENTIAL_TIER_PRICES = (0.4883, 0.5383, 0.7883)
PRICE_GENERAL_COMMERCE = 0.67
PRICE_COMMERCIAL_INDUSTRIAL = 0.65
PRICE_AGRICULTURAL = 0.50
PRICE_LARGE_INDUSTRY_BY_VOLTAGE = np.array([0.64, 0.64, 0.62, 0.59, 0.56])
CAPACITY_CHARGE_PER_KVA = 20.0
TOU_WEIGHTS = np.array([1.614, 1.0, 0.421])  # peak, flat, valley relative to the flat price

# Billing and payment.
BILL_ISSUE_DAY = (3, 7)  # day of the following month, inclusive
BILL_DUE_DAYS = (15, 20)
UNPAID_SHARE = 0.004
UNPAID_SHARE_LATE_PAYER = 0.02
UNPAID_SHARE_DRIFTING = 0.08  # bills after the drift start
LATE_SHARE_ON_TIME_PAYER = 0.03
LATE_SHARE_LATE_PAYER = 0.7
LATE_SHARE_DRIFTING = 0.45  # bills after the drift start
LATE_DAYS_MEAN = 12.0  # exponential, clipped to 1–60 days
DRIFT_EXTRA_LATE_DAYS = 10.0

# Events per customer per month (residential, commercial, industrial, agricultural, public).
INTERACTION_RATE = np.array([0.16, 0.45, 0.65, 0.35, 0.5])
INTERACTION_DRIFT_EXTRA = 0.4
INTERACTION_ACTIVITY_SHARE = 0.1
PROSPECT_INTERACTION_SHARE = 0.6
TICKET_RATE = np.array([0.0105, 0.02, 0.03, 0.02, 0.02])
TICKET_DRIFT_EXTRA = 0.06
ANNUAL_SURVEY_SHARE = 0.025  # of customers, per year
POST_SERVICE_SURVEY_SHARE = 0.2  # of resolved tickets
TRANSACTION_CUSTOMER_SHARE = np.array([0.008, 0.12, 0.15, 0.08, 0.1])

# Ticket kinds, in TicketKind order, and their base shares; drifters' extra tickets are mostly complaints.
TICKET_KINDS = ("repair", "inquiry", "complaint", "report", "feedback", "praise", "service_request")
TICKET_KIND_SHARES = np.array([0.37, 0.25, 0.10, 0.03, 0.08, 0.05, 0.12])
DRIFT_TICKET_KIND_SHARES = np.array([0.2, 0.05, 0.7, 0.0, 0.05, 0.0, 0.0])
# Service-level promises (hours) per kind; resolution times are lognormal (median hours, sigma).
SLA_HOURS = np.array([4.0, 24.0, 168.0, 168.0, 168.0, 168.0, 120.0])
RESOLVE_MEDIAN_HOURS = np.array([2.5, 4.0, 60.0, 48.0, 48.0, 24.0, 72.0])
RESOLVE_SIGMA = np.array([0.6, 0.9, 0.7, 0.8, 0.8, 0.8, 0.6])
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_SHARES = np.array(
    [
        [0.0, 0.3, 0.5, 0.2],
        [0.4, 0.6, 0.0, 0.0],
        [0.0, 0.55, 0.4, 0.05],
        [0.1, 0.5, 0.3, 0.1],
        [0.5, 0.5, 0.0, 0.0],
        [0.8, 0.2, 0.0, 0.0],
        [0.2, 0.7, 0.1, 0.0],
    ]
)

STAFF_PER_NON_RESIDENTIAL = 400
MIN_STAFF = 5
OWNED_SHARE = 0.9  # of non-residential customers

# Ticket categories per kind (codes, weights); complaint categories are the 95598 sub-types.
TICKET_CATEGORIES: tuple[tuple[tuple[str, float], ...], ...] = (
    (("outage", 0.5), ("meter_fault", 0.15), ("line_fault", 0.2), ("power_quality", 0.15)),
    (("billing", 0.4), ("tariff", 0.25), ("outage_notice", 0.2), ("account", 0.15)),
    (
        ("service", 0.25),
        ("business", 0.25),
        ("outage", 0.25),
        ("power_quality", 0.15),
        ("grid_construction", 0.1),
    ),
    (("electricity_theft", 0.4), ("safety_hazard", 0.4), ("illegal_use", 0.2)),
    (("service", 0.4), ("app", 0.3), ("billing", 0.3)),
    (("staff", 0.6), ("repair_crew", 0.4)),
    (
        ("new_connection", 0.3),
        ("capacity_change", 0.2),
        ("meter_test", 0.15),
        ("name_transfer", 0.2),
        ("reconnection", 0.15),
    ),
)
ACTIVITIES = ("trial", "training", "event", "campaign")
