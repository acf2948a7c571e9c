package io.nubicustos.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The embedded PostgreSQL superuser's password: {@code EMBEDDED_POSTGRES_PASSWORD} when given, else the one generated
 * at the first start into {@code <data dir>/postgres.password} (0600, readable by the operator only), the same at every
 * start after.
 */
final class DatabasePassword {

    static final String FILE = "postgres.password";

    private DatabasePassword() {
    }

    static String of(Path dataDir, String given) {
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.isRegularFile(file)) {
                String kept = Files.readString(file).trim();
                if (!kept.isEmpty()) {
                    return kept;
                }
            }
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(dataDir);
            Path temp = Files.createTempFile(dataDir, ".postgres.password-", "",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, password + "\n");
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the embedded PostgreSQL password in " + file, e);
        }
    }
}
