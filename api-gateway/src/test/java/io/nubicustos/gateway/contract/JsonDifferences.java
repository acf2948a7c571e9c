package io.nubicustos.gateway.contract;

import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Where two JSON trees differ, as JSON pointers with both sides; at most 30 places, so a failure stays readable. */
final class JsonDifferences {

    private static final int MAX = 30;

    private JsonDifferences() {
    }

    static void between(String pointer, JsonNode expected, JsonNode actual, List<String> out) {
        if (out.size() >= MAX || expected.equals(actual)) {
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            Set<String> names = new TreeSet<>();
            expected.propertyNames().forEach(names::add);
            actual.propertyNames().forEach(names::add);
            for (String name : names) {
                String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                if (!expected.has(name)) {
                    out.add(child + ": only in the served document");
                } else if (!actual.has(name)) {
                    out.add(child + ": only in the committed document");
                } else {
                    between(child, expected.get(name), actual.get(name), out);
                }
            }
        } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                between(pointer + "/" + i, expected.get(i), actual.get(i), out);
            }
        } else {
            out.add(pointer + ": committed " + abbreviated(expected) + ", served " + abbreviated(actual));
        }
    }

    private static String abbreviated(JsonNode node) {
        String text = node.toString();
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }
}
