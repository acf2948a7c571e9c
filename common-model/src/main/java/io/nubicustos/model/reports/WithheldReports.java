package io.nubicustos.model.reports;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Report files a tool leaves that hold secrets rather than results, and are therefore never put into archives nor
 * served: a tool's database (Pacu's {@code sqlite.db} holds the scanned profile's keys), credential and key files, and
 * CloudFox's environment-variable tables and loot (their values are the scanned account's secrets; findings keep each
 * as its name and a short hash). Decided by name alone, whatever tool wrote the file, so a new tool is covered too.
 */
public final class WithheldReports {

    private WithheldReports() {
    }

    /** Why the file (a path relative to the step's report directory) is withheld; empty when it may be archived. */
    public static Optional<String> reason(Path relative) {
        String name = relative.getFileName() == null ? "" : relative.getFileName().toString().toLowerCase(Locale.ROOT);
        for (Path segment : relative) {
            if (segment.toString().equals(".aws") || segment.toString().equals(".kube") || segment.toString().equals(".ssh")) {
                return Optional.of("a credentials directory (" + segment + ")");
            }
        }
        if (name.endsWith(".db") || name.endsWith(".sqlite") || name.endsWith(".sqlite3") || name.endsWith(".db-journal")
                || name.endsWith(".db-wal")) {
            return Optional.of("a tool's database (Pacu's sqlite.db holds the scanned profile's keys)");
        }
        if (name.equals("credentials") || name.equals("kubeconfig") || name.equals(".env") || name.startsWith("id_rsa")
                || name.startsWith("id_ed25519") || name.endsWith(".pem") || name.endsWith(".key") || name.endsWith(".p12")
                || name.endsWith(".pfx")) {
            return Optional.of("a credential or key file");
        }
        if (name.contains("env-vars")) {
            return Optional.of("environment variables (their values are the scanned account's secrets)");
        }
        return Optional.empty();
    }
}
