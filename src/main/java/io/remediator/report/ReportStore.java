package io.remediator.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Reports kept in memory, newest first, bounded by `reports.maxReports`. Reports do not survive a
 * restart yet.
 */
public final class ReportStore {
    private final int capacity;
    private final LinkedHashMap<String, Report> byId = new LinkedHashMap<>();

    public ReportStore(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void save(Report report) {
        byId.remove(report.id());
        byId.put(report.id(), report);
        while (byId.size() > capacity) {
            String oldest = byId.keySet().iterator().next();
            byId.remove(oldest);
        }
    }

    public synchronized Optional<Report> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Newest first by the time the alert group was received. */
    public synchronized List<Report> newestFirst() {
        List<Report> all = new ArrayList<>(byId.values());
        all.sort((a, b) -> b.receivedAt().compareTo(a.receivedAt()));
        return all;
    }
}
