package io.remediator.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Reports kept in memory, bounded by `reports.maxReports` and by `reports.maxVmisInMemory`: at
 * 10,000 outdated VMIs one report holds about 10 MiB, so the count alone would not bound memory.
 * The oldest go first; the newest report is always kept. Reports do not survive a restart yet.
 */
public final class ReportStore {
    private final int capacity;
    private final long maxVmis;
    private final LinkedHashMap<String, Report> byId = new LinkedHashMap<>();
    private long vmis;

    public ReportStore(int capacity, long maxVmis) {
        this.capacity = capacity;
        this.maxVmis = maxVmis;
    }

    public synchronized void save(Report report) {
        Report replaced = byId.remove(report.id());
        if (replaced != null) {
            vmis -= replaced.outdatedVmis().size();
        }
        byId.put(report.id(), report);
        vmis += report.outdatedVmis().size();
        while (byId.size() > 1 && (byId.size() > capacity || vmis > maxVmis)) {
            String oldest = byId.keySet().iterator().next();
            vmis -= byId.remove(oldest).outdatedVmis().size();
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
