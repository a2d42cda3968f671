-- The floor: the utility's metrics in one hand-written DuckDB query over the Parquet snapshot.
-- $as_of, $m12 (first day of the 12-month window), $m24, $m3, $m15, $d30, $d90 are bound.
WITH c AS (
  SELECT customer_id,
         sum(kwh_total) FILTER (WHERE period >= $m12 AND period < $end) AS kwh_12m,
         sum(kwh_total) FILTER (WHERE period >= $m24 AND period < $m12) AS kwh_prev_12m,
         sum(kwh_total) FILTER (WHERE period >= $m3 AND period < $end) AS kwh_3m,
         sum(kwh_total) FILTER (WHERE period >= $m15 AND period < $m12) AS kwh_3m_year_ago,
         sum(kwh_peak) FILTER (WHERE period >= $m12 AND period < $end) AS peak_kwh_12m,
         count(DISTINCT period) FILTER (WHERE period >= $m12 AND period < $end) AS months_12m
  FROM consumption GROUP BY customer_id),
b AS (
  SELECT customer_id, sum(amount) FILTER (WHERE period >= $m12 AND period < $end) AS billed_12m,
         sum(amount) FILTER (WHERE issued_on < $end) AS billed_to_date, max(period) AS last_bill
  FROM bills GROUP BY customer_id),
p AS (
  SELECT p.customer_id, sum(p.amount) FILTER (WHERE p.paid_on >= $m12 AND p.paid_on < $end) AS payments_12m,
         sum(p.amount) FILTER (WHERE p.paid_on < $end) AS paid_to_date,
         max(greatest(p.paid_on - b.due_date, 0)) FILTER (WHERE p.paid_on >= $m12 AND p.paid_on < $end) AS late_max,
         avg(greatest(p.paid_on - b.due_date, 0)) FILTER (WHERE p.paid_on >= $m12 AND p.paid_on < $end) AS late_mean
  FROM payments p LEFT JOIN bills b ON b.id = p.bill_id GROUP BY p.customer_id),
i AS (
  SELECT customer_id, count(*) FILTER (WHERE occurred_at >= $d30 AND occurred_at < $end_ts) AS i30,
         count(*) FILTER (WHERE occurred_at >= $d90 AND occurred_at < $end_ts) AS i90,
         max(occurred_at) FILTER (WHERE occurred_at < $end_ts) AS last_interaction
  FROM interactions GROUP BY customer_id),
t AS (
  SELECT customer_id,
         count(*) FILTER (WHERE kind = 'complaint' AND opened_at >= $d90 AND opened_at < $end_ts) AS c90,
         count(*) FILTER (WHERE kind = 'complaint' AND opened_at >= $m12_ts AND opened_at < $end_ts) AS c12,
         count(*) FILTER (WHERE status IN ('open', 'in_progress') AND opened_at < $end_ts) AS open_tickets
  FROM tickets GROUP BY customer_id),
s AS (
  SELECT customer_id, avg(csat) FILTER (WHERE responded_at >= $m12_ts AND responded_at < $end_ts) AS csat,
         arg_max(nps, responded_at) FILTER (WHERE nps IS NOT NULL AND responded_at < $end_ts) AS nps_last
  FROM survey_responses GROUP BY customer_id),
x AS (
  SELECT customer_id, count(*) FILTER (WHERE occurred_at >= $m12_ts AND occurred_at < $end_ts) AS frequency,
         sum(amount) FILTER (WHERE occurred_at >= $m12_ts AND occurred_at < $end_ts) AS monetary,
         max(occurred_at) FILTER (WHERE occurred_at < $end_ts) AS last_purchase
  FROM transactions GROUP BY customer_id)
SELECT k.id AS customer_id, k.customer_type, k.status, coalesce(c.kwh_12m, 0) AS kwh_12m,
       coalesce(c.kwh_12m, 0) / nullif(c.months_12m, 0) AS avg_monthly_kwh_12m,
       c.kwh_12m / nullif(c.kwh_prev_12m, 0) - 1 AS kwh_yoy_change,
       1 - c.kwh_3m / nullif(c.kwh_3m_year_ago, 0) AS kwh_drop_seasonal,
       c.peak_kwh_12m / nullif(c.kwh_12m, 0) AS peak_share_12m,
       coalesce(b.billed_12m, 0) AS billed_amount_12m, coalesce(p.payments_12m, 0) AS payments_12m,
       p.late_max AS late_days_max_12m, p.late_mean AS late_days_mean_12m,
       coalesce(b.billed_to_date, 0) - coalesce(p.paid_to_date, 0) AS arrears,
       coalesce(i.i30, 0) AS interactions_30d, coalesce(i.i90, 0) AS interactions_90d,
       date_diff('day', i.last_interaction::DATE, $as_of) AS days_since_last_interaction,
       coalesce(t.c90, 0) AS complaints_90d, coalesce(t.c12, 0) AS complaints_12m,
       coalesce(t.open_tickets, 0) AS open_tickets, s.csat AS csat_mean_12m, s.nps_last,
       date_diff('month', k.created_at::DATE, $as_of) AS tenure_months,
       date_diff('month', b.last_bill, $as_of) AS months_since_last_bill,
       date_diff('day', x.last_purchase::DATE, $as_of) AS recency_days,
       coalesce(x.frequency, 0) AS frequency_12m, coalesce(x.monetary, 0) AS monetary_12m
FROM customers k
LEFT JOIN c ON c.customer_id = k.id LEFT JOIN b ON b.customer_id = k.id LEFT JOIN p ON p.customer_id = k.id
LEFT JOIN i ON i.customer_id = k.id LEFT JOIN t ON t.customer_id = k.id LEFT JOIN s ON s.customer_id = k.id
LEFT JOIN x ON x.customer_id = k.id
WHERE k.created_at < $end_ts
