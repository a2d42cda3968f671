"""English phrases for interactions, tickets, surveys and staff teams (same shape as `phrases_zh`)."""

Topic = tuple[str, tuple[str, ...]]  # (subject, contents)

TOPICS_RESIDENTIAL: tuple[Topic, ...] = (
    (
        "Bill inquiry",
        (
            "Customer asked why this month's bill is higher; explained tiered prices and seasonal use.",
            "Went through the bill line by line with the customer.",
        ),
    ),
    (
        "Payment methods",
        (
            "Explained paying through the app, WeChat Pay and Alipay.",
            "Customer asked about automatic debit; listed the documents needed.",
        ),
    ),
    (
        "Outage notice",
        ("Sent the planned outage window and restoration time by SMS.", "Called about line maintenance."),
    ),
    ("Tiered pricing", ("Customer asked about the tier thresholds; explained yearly and monthly tiers.",)),
    (
        "Time-of-use tariff",
        (
            "Customer asked to switch to time-of-use pricing; explained the periods.",
            "Change applies next month.",
        ),
    ),
    (
        "Overdue reminder",
        ("Reminded the customer of an overdue bill and the late fee.", "Customer promised to pay this week."),
    ),
    ("Electrical safety", ("Sent summer electrical safety tips.", "Advised checking old wiring at home.")),
    ("Meter reading check", ("Customer doubted the meter reading; arranged an on-site check.",)),
)
TOPICS_BUSINESS: tuple[Topic, ...] = (
    (
        "Account manager visit",
        (
            "Visited to learn about production and power needs.",
            "Reviewed the substation with the site electrician.",
        ),
    ),
    (
        "Capacity planning",
        (
            "Company plans to expand; asked about capacity increase steps.",
            "Load expected to rise next quarter.",
        ),
    ),
    (
        "Billing reconciliation",
        (
            "Reconciled last month's bill and capacity charge with finance.",
            "Explained demand vs capacity charging.",
        ),
    ),
    (
        "Energy services offer",
        ("Presented energy audit and retrofit services.", "Presented rooftop PV and EV charger services."),
    ),
    ("Power factor review", ("Explained the power-factor adjustment; suggested reactive compensation.",)),
    (
        "Maintenance outage planning",
        (
            "Scheduled maintenance outside production peaks.",
            "Confirmed backup power before the planned outage.",
        ),
    ),
    (
        "Market trading inquiry",
        ("Explained direct trading vs grid agency purchase.", "Went through retailer contract terms."),
    ),
    (
        "Safety inspection",
        (
            "Inspected the switch room and recommended fixes.",
            "Checked the backup generator connection; no issues.",
        ),
    ),
)
TOPIC_PROSPECT: Topic = (
    "New connection inquiry",
    (
        "Filled in the new connection form on the website; asked about the process.",
        "Asked online about documents and lead time for a new connection.",
    ),
)
TOPIC_RETENTION: Topic = (
    "Falling consumption follow-up",
    (
        "Consumption has dropped markedly; called to ask why.",
        "Customer reports business difficulties and may use less power.",
        "Customer is considering another retailer.",
    ),
)
ACTIVITY_TOPICS: dict[str, Topic] = {
    "trial": ("Smart energy app trial", ("Invited the customer to try the app's usage analysis.",)),
    "training": ("Electrical safety training", ("Customer attended safety training for electricians.",)),
    "event": ("Utility open day", ("Customer attended the open day.",)),
    "campaign": (
        "Energy saving campaign",
        ("Sent energy saving material and offers.", "Invited the customer to join demand response."),
    ),
}

TICKET_SUBJECTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("repair", "outage"): ("Sudden power cut at home", "Whole building without power", "Plant outage"),
    ("repair", "meter_fault"): ("Meter not recording", "Meter display fault"),
    ("repair", "line_fault"): ("Service line down", "Sparks from the line"),
    ("repair", "power_quality"): ("Flickering lights", "Voltage too low to start appliances"),
    ("inquiry", "billing"): ("Bill amount inquiry", "Payment history inquiry"),
    ("inquiry", "tariff"): ("Tariff policy question", "Time-of-use tariff question"),
    ("inquiry", "outage_notice"): ("Planned outage schedule", "When will power be restored"),
    ("inquiry", "account"): ("Account number lookup", "How to transfer the account"),
    ("complaint", "service"): ("Rude service staff", "Hotline not answering"),
    ("complaint", "business"): ("Request took too long", "Bill calculated wrongly"),
    ("complaint", "outage"): ("Frequent outages", "Outage without notice"),
    ("complaint", "power_quality"): ("Voltage low for weeks", "Voltage swings damaged equipment"),
    ("complaint", "grid_construction"): ("Construction blocks the road", "Transformer noise"),
    ("report", "electricity_theft"): ("Reporting electricity theft",),
    ("report", "safety_hazard"): ("Leaning utility pole", "Transformer leaking oil"),
    ("report", "illegal_use"): ("Reporting illegal wiring",),
    ("feedback", "service"): ("Suggest longer service hall hours",),
    ("feedback", "app"): ("App payment suggestion", "Please add usage analysis to the app"),
    ("feedback", "billing"): ("More detail on e-bills",),
    ("praise", "staff"): ("Thanks to the service hall staff",),
    ("praise", "repair_crew"): ("Repair crew arrived quickly",),
    ("service_request", "new_connection"): ("New connection request",),
    ("service_request", "capacity_change"): ("Capacity increase request", "Capacity reduction request"),
    ("service_request", "meter_test"): ("Meter accuracy test request",),
    ("service_request", "name_transfer"): ("Account transfer request",),
    ("service_request", "reconnection"): ("Reconnection after paying arrears",),
}

SURVEYS = ("95598 service follow-up", "Annual customer satisfaction survey")
COMMENTS_NEGATIVE = (
    "Too many outages.",
    "It took ages to fix.",
    "Bills are too high.",
    "Staff could be nicer.",
)
COMMENTS_NEUTRAL = ("It's fine overall.", "Paying could be easier.", "Average service.")
COMMENTS_POSITIVE = (
    "Great service, fixed quickly.",
    "Very professional crew.",
    "Very satisfied.",
    "The app is handy.",
)

STAFF_TEAMS = ("Key Accounts 1", "Key Accounts 2", "SME Services", "Industrial Parks")
