package io.nubicustos.gateway.bulk;

import java.util.List;
import java.util.UUID;

/** The bodies the bulk routes answer; each record is one schema of the OpenAPI document. */
final class BulkResponses {

    private BulkResponses() {
    }

    record Deleted(List<UUID> deleted, List<UUID> notFound) {
    }

    record ArchiveCreated(String name, int scans, long sizeBytes, String downloadUrl) {
    }

    record Archives(List<ArchiveStore.Archive> archives) {
    }
}
