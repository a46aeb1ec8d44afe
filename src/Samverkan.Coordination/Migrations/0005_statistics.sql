-- Statistics over time (issue 16): every statistics query is bounded by municipality and a date range, and reads
-- these indexes only for the rows of that range (no scan of a region's whole history per view).
create index coord_cases_opened on coord_cases (municipality, opened_at);
create index coord_cases_closed on coord_cases (municipality, closed_at) where closed_at is not null;
create index coord_concerns_reported on coord_concerns (municipality, reported_on);
