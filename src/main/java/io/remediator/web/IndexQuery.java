package io.remediator.web;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.remediator.report.ReportPhase;
import io.remediator.report.ReportSummary;
import io.remediator.report.StoredEpisodes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What `/reports` and `/api/reports` were asked for: filters (alert status, phase, alertname) and a
 * page. A value that cannot match anything is a 400 naming the parameter, not an empty page.
 *
 * @param status   firing or resolved, or null for both
 * @param phase    a report phase, or null for all
 * @param alert    an alertname, or null for all
 * @param page     from 1
 * @param pageSize rows per page, 1..{@link #MAX_PAGE_SIZE}
 */
record IndexQuery(String status, ReportPhase phase, String alert, int page, int pageSize) {
    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 500;

    static IndexQuery of(Context ctx) {
        String status = blankToNull(ctx.queryParam("status"));
        if (status != null && !status.equals("firing") && !status.equals("resolved")) {
            throw new BadRequestResponse("status must be firing or resolved");
        }
        ReportPhase phase = null;
        String p = blankToNull(ctx.queryParam("phase"));
        if (p != null) {
            try {
                phase = ReportPhase.valueOf(p);
            } catch (IllegalArgumentException e) {
                throw new BadRequestResponse("phase must be one of " + Arrays.toString(ReportPhase.values()));
            }
        }
        String alert = blankToNull(ctx.queryParam("alert"));
        if (alert != null && alert.length() > 200) {
            throw new BadRequestResponse("alert must be an alertname (at most 200 characters)");
        }
        return new IndexQuery(status, phase, alert, number(ctx, "page", 1, Integer.MAX_VALUE / MAX_PAGE_SIZE, 1),
                number(ctx, "pageSize", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE));
    }

    Predicate<ReportSummary> filter() {
        return s -> (status == null || status.equals(s.status())) && (phase == null || phase == s.phase())
                && (alert == null || alert.equals(s.alertname()));
    }

    /** The next page of {@code page} as a link under {@code path}, or null on the last page. */
    String next(String path, StoredEpisodes.Page page) {
        return page() < page.pages() ? path + onPage(page() + 1) : null;
    }

    /** The previous page (the last one when this is past the end) under {@code path}, or null on the first. */
    String prev(String path, StoredEpisodes.Page page) {
        return page() > 1 ? path + onPage(Math.min(page() - 1, page.pages())) : null;
    }

    /** The query string of this query on another page (for links), without the defaults. */
    String onPage(int other) {
        Map<String, String> params = new LinkedHashMap<>();
        if (status != null) {
            params.put("status", status);
        }
        if (phase != null) {
            params.put("phase", phase.name());
        }
        if (alert != null) {
            params.put("alert", alert);
        }
        if (pageSize != DEFAULT_PAGE_SIZE) {
            params.put("pageSize", String.valueOf(pageSize));
        }
        params.put("page", String.valueOf(other));
        StringBuilder q = new StringBuilder();
        params.forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return q.toString();
    }

    /** The whole number in query parameter {@code name}, {@code otherwise} when absent; a 400 naming it when out of range. */
    static int number(Context ctx, String name, int min, int max, int otherwise) {
        String raw = blankToNull(ctx.queryParam(name));
        if (raw == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(raw);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestResponse(name + " must be a whole number from " + min + " to " + max);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
