package io.nubicustos.worker.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The installation this worker belongs to, in every container's labels: reaping, adopting and cancelling touch only
 * containers of this installation, so installations sharing a Docker engine leave each other's scans alone. It is
 * generated once and stored in the installation's database (every worker of it reads the same), unless configured
 * ({@code nubicustos.installation-id}).
 */
public record InstallationId(String value) {

    private static final Logger log = LoggerFactory.getLogger(InstallationId.class);
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final String CLAIM = """
            insert into installation (id, database_fingerprint, created_at) values (:id, :fingerprint, :now)
            on conflict (singleton) do nothing
            """;
    // why: a copy of another installation's database (restored from its dump, cloned as a template: a database of its own,
    // with its own oid) keeps the row; the first worker to start on the copy gives it an id of its own, in one guarded
    // statement however many start at once. A physical copy of the whole server keeps the oid: configure its id.
    private static final String REKEY_COPY = """
            update installation set id = :id, database_fingerprint = :fingerprint
             where database_fingerprint is distinct from :fingerprint
            """;
    private static final String FINGERPRINT = """
            select oid::text from pg_database where datname = current_database()
            """;

    public InstallationId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("an installation id is 1-64 letters, digits or _.- (got '" + value + "')");
        }
    }

    /** The configured id, or the one stored in the database (written there by the first worker that starts on it). */
    static InstallationId of(String configured, JdbcClient jdbc, Clock clock) {
        String fingerprint = jdbc.sql(FINGERPRINT).query(String.class).single();
        jdbc.sql(CLAIM).param("id", UUID.randomUUID().toString()).param("fingerprint", fingerprint).param("now", OffsetDateTime.now(clock))
                .update();
        if (jdbc.sql(REKEY_COPY).param("id", UUID.randomUUID().toString()).param("fingerprint", fingerprint).update() > 0) {
            log.warn("This database holds another database's installation id (it is a copy of it); it now has an id of its own, so"
                    + " the two never touch each other's containers on a shared Docker engine");
        }
        String stored = jdbc.sql("select id from installation").query(String.class).single();
        if (configured != null && !configured.isBlank()) {
            if (!configured.strip().equals(stored)) {
                log.warn("nubicustos.installation-id is {}, the database's installation id is {}: this worker uses the configured one;"
                        + " every worker of the installation must be configured alike", configured.strip(), stored);
            }
            return new InstallationId(configured.strip());
        }
        log.info("Installation id {}: this worker reaps, adopts and cancels only containers labelled with it", stored);
        return new InstallationId(stored);
    }
}
