package io.remediator.runbook;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every runbook the service knows, by alertname: the record its findings are stored as and the
 * page fragment that shows them (templates/runbooks/). This list is the registration a new
 * runbook adds itself to (docs/architecture.md, "Adding a runbook"); the service builds the
 * runbooks themselves, with their configuration, and refuses to start with one missing here.
 */
public final class Runbooks {
    /**
     * @param alertname     the `alertname` label the runbook handles, and the `runbook` its stored findings name
     * @param findings      the record its diagnosis is stored as
     * @param pageFragment  its fragment under templates/runbooks/, rendered with the report's VMI rows
     */
    public record Registration(String alertname, Class<? extends Findings> findings, String pageFragment) {}

    public static final List<Registration> ALL = List.of(
            new Registration(OutdatedVmiWorkloadsRunbook.ALERTNAME, OutdatedWorkloadsDiagnosis.class, "outdated-workloads"),
            new Registration(io.remediator.runbook.nonevictable.NonEvictableRunbook.ALERTNAME,
                    io.remediator.runbook.nonevictable.NonEvictableFindings.class, "non-evictable"));

    private static final Map<String, Registration> BY_ALERTNAME = ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Registration::alertname, Function.identity()));

    private Runbooks() {}

    /** The registration of this alertname, or null. */
    public static Registration of(String alertname) {
        return alertname == null ? null : BY_ALERTNAME.get(alertname);
    }

    /** Reads the stored `runbook` name back as its findings record (an unknown one as the default). */
    public static final class TypeIds extends TypeIdResolverBase {
        @Override
        public String idFromValue(Object value) {
            return ((Findings) value).runbook();
        }

        @Override
        public String idFromValueAndType(Object value, Class<?> suggestedType) {
            return idFromValue(value);
        }

        @Override
        public JavaType typeFromId(DatabindContext context, String id) {
            Registration r = of(id);
            // A name this version does not know (a newer replica's runbook) reads as nothing listed.
            return context.constructType(r == null ? OutdatedWorkloadsDiagnosis.class : r.findings());
        }

        @Override
        public JsonTypeInfo.Id getMechanism() {
            return JsonTypeInfo.Id.CUSTOM;
        }
    }
}
