package io.nubicustos.model.scan;

import io.nubicustos.model.catalog.ScopeOptions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a request narrows a scan to: regions, services, checks, compliance frameworks. Each tool is given the parts it
 * can take, through its own flags (the catalog's {@code scope_options}); the parts it cannot take are said in the dry
 * run, never silently dropped. Empty lists: the whole account, as the tools scan by default.
 */
public record ScanScope(List<String> regions, List<String> services, List<String> checks, List<String> frameworks) {

    public static final ScanScope NONE = new ScanScope(List.of(), List.of(), List.of(), List.of());
    public static final List<String> DIMENSIONS = ScopeOptions.DIMENSIONS;

    public ScanScope {
        regions = regions == null ? List.of() : List.copyOf(regions);
        services = services == null ? List.of() : List.copyOf(services);
        checks = checks == null ? List.of() : List.copyOf(checks);
        frameworks = frameworks == null ? List.of() : List.copyOf(frameworks);
    }

    public boolean isEmpty() {
        return regions.isEmpty() && services.isEmpty() && checks.isEmpty() && frameworks.isEmpty();
    }

    /** The values of one dimension ({@link #DIMENSIONS}). */
    public List<String> of(String dimension) {
        return switch (dimension) {
            case "regions" -> regions;
            case "services" -> services;
            case "checks" -> checks;
            case "frameworks" -> frameworks;
            default -> throw new IllegalArgumentException("no scope dimension '" + dimension + "'");
        };
    }

    /** The dimensions with values, in order, with their values (for storing and showing). */
    public Map<String, List<String>> asMap() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String dimension : DIMENSIONS) {
            if (!of(dimension).isEmpty()) {
                map.put(dimension, of(dimension));
            }
        }
        return map;
    }
}
